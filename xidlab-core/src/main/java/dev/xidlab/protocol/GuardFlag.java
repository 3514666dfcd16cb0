package dev.xidlab.protocol;

/** When the guard skips the Xid work: nested on the same thread, or low on kernel stack. */
public enum GuardFlag implements WireConstant.Numbered {
    NESTING,
    LOW_STACK;

    @Override
    public String macroPrefix() {
        return "XF_GUARD_";
    }

    @Override
    public boolean bits() {
        return true;
    }
}
