package dev.xidlab.protocol;

/** XF_INFO.StateFlags. */
public enum DriverState implements WireConstant {
    FILTER_REGISTERED(0x1),
    FILTERING_STARTED(0x2),
    PROCESS_NOTIFY(0x4),
    RELOAD_PENDING(0x8),
    CONFIG_FROM_REGISTRY(0x10);

    private final int value;

    DriverState(int value) {
        this.value = value;
    }

    @Override
    public int wireValue() {
        return value;
    }

    @Override
    public String cMacro() {
        return "XF_INFO_" + name();
    }
}
