package dev.xidlab.protocol;

/** When new registration flags take effect. */
public enum ApplyMode implements WireConstant.Numbered {
    /** Saved to the service key; the filter is reloaded to use them (the documented way). */
    NEXT_LOAD,
    /** EXPERIMENTAL: unregister and register again in place; undocumented, reported with its NTSTATUS. */
    LIVE_REREGISTER;

    @Override
    public String macroPrefix() {
        return "XF_APPLY_";
    }
}
