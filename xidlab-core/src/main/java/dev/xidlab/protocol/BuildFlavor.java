package dev.xidlab.protocol;

/** Which build of the driver answered. */
public enum BuildFlavor implements WireConstant.Numbered {
    WDK,
    MINGW,
    MODEL;

    @Override
    public String macroPrefix() {
        return "XF_BUILD_";
    }

    @Override
    public int firstValue() {
        return 1;
    }
}
