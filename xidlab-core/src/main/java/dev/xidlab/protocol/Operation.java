package dev.xidlab.protocol;

/** The operations the filter registers for, in the order of XF_CONFIG.OperationFlags. */
public enum Operation implements WireConstant.Numbered {
    CREATE,
    READ,
    WRITE;

    @Override
    public String macroPrefix() {
        return "XF_OP_";
    }
}
