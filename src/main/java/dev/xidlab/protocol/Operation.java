package dev.xidlab.protocol;

/** The operations the filter registers for, in the order of XF_CONFIG.OperationFlags. */
public enum Operation implements WireConstant {
    CREATE(0),
    READ(1),
    WRITE(2);

    private final int index;

    Operation(int index) {
        this.index = index;
    }

    @Override
    public int wireValue() {
        return index;
    }

    @Override
    public String cMacro() {
        return "XF_OP_" + name();
    }

    /** The name users type and reports show. */
    public String label() {
        return Labels.label(this);
    }
}
