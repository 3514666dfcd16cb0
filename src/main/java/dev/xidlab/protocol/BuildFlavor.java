package dev.xidlab.protocol;

/** Which build of the driver answered. */
public enum BuildFlavor implements WireConstant {
    WDK(1),
    MINGW(2),
    MODEL(3);

    private final int value;

    BuildFlavor(int value) {
        this.value = value;
    }

    @Override
    public int wireValue() {
        return value;
    }

    @Override
    public String cMacro() {
        return "XF_BUILD_" + name();
    }
}
