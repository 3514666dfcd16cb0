package dev.xidlab.protocol;

/** XF_SET_CONFIG_RESPONSE.ResultFlags. */
public enum SetConfigResultFlag implements WireConstant {
    SAVED(0x1),
    RELOAD_REQUIRED(0x2),
    REREGISTERED(0x4);

    private final int value;

    SetConfigResultFlag(int value) {
        this.value = value;
    }

    @Override
    public int wireValue() {
        return value;
    }

    @Override
    public String cMacro() {
        return "XF_SETCFG_" + name();
    }
}
