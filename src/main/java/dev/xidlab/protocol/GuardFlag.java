package dev.xidlab.protocol;

/** When the guard skips the Xid work: nested on the same thread, or low on kernel stack. */
public enum GuardFlag implements WireConstant {
    NESTING(0x1),
    LOW_STACK(0x2);

    private final int value;

    GuardFlag(int value) {
        this.value = value;
    }

    @Override
    public int wireValue() {
        return value;
    }

    @Override
    public String cMacro() {
        return "XF_GUARD_" + name();
    }

    /** The name users type and reports show. */
    public String label() {
        return Labels.label(this);
    }
}
