package dev.xidlab.protocol;

/** When new registration flags take effect. */
public enum ApplyMode implements WireConstant {
    /** Saved to the service key; the filter is reloaded to use them (the documented way). */
    NEXT_LOAD(0),
    /** EXPERIMENTAL: unregister and register again in place; undocumented, reported with its NTSTATUS. */
    LIVE_REREGISTER(1);

    private final int value;

    ApplyMode(int value) {
        this.value = value;
    }

    @Override
    public int wireValue() {
        return value;
    }

    @Override
    public String cMacro() {
        return "XF_APPLY_" + name();
    }
}
