package dev.xidlab.protocol;

/** XF_INFO.StateFlags. */
public enum DriverState implements WireConstant.Numbered {
    FILTER_REGISTERED,
    FILTERING_STARTED,
    PROCESS_NOTIFY,
    RELOAD_PENDING,
    CONFIG_FROM_REGISTRY,
    PERSISTENT_STATE_KEY;

    @Override
    public String macroPrefix() {
        return "XF_INFO_";
    }

    @Override
    public boolean bits() {
        return true;
    }
}
