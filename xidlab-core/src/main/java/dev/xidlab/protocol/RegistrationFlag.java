package dev.xidlab.protocol;

/**
 * FLT_OPERATION_REGISTRATION flags, with fltKernel.h's values; fixed at FltRegisterFilter time.
 * SKIP_NON_CACHED_NON_PAGING_IO (Windows 8 and later) skips non-cached reads and writes that are not paging I/O.
 */
public enum RegistrationFlag implements WireConstant.Numbered {
    SKIP_PAGING_IO,
    SKIP_CACHED_IO,
    SKIP_NON_DASD_IO,
    SKIP_NON_CACHED_NON_PAGING_IO;

    @Override
    public String macroPrefix() {
        return "XF_REG_";
    }

    @Override
    public boolean bits() {
        return true;
    }
}
