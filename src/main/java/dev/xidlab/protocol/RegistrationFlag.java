package dev.xidlab.protocol;

/** FLT_OPERATION_REGISTRATION flags, with fltKernel.h's values; fixed at FltRegisterFilter time. */
public enum RegistrationFlag implements WireConstant {
    SKIP_PAGING_IO(0x1),
    SKIP_CACHED_IO(0x2),
    SKIP_NON_DASD_IO(0x4);

    private final int value;

    RegistrationFlag(int value) {
        this.value = value;
    }

    @Override
    public int wireValue() {
        return value;
    }

    @Override
    public String cMacro() {
        return "XF_REG_" + name();
    }

    /** The name users type and reports show. */
    public String label() {
        return Labels.label(this);
    }
}
