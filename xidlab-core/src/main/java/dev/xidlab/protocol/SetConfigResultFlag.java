package dev.xidlab.protocol;

/** XF_SET_CONFIG_RESPONSE.ResultFlags. */
public enum SetConfigResultFlag implements WireConstant.Numbered {
    SAVED,
    RELOAD_REQUIRED,
    REREGISTERED,
    RESTORED;

    @Override
    public String macroPrefix() {
        return "XF_SETCFG_";
    }

    @Override
    public boolean bits() {
        return true;
    }
}
