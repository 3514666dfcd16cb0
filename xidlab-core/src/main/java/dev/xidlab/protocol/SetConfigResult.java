package dev.xidlab.protocol;

import java.util.Set;

/**
 * XF_SET_CONFIG_RESPONSE: what happened to a new configuration. After a failed live re-registration the driver
 * registers the previous flags again: {@code restoreStatus} says how that went (0 when it was not needed).
 */
public record SetConfigResult(Set<SetConfigResultFlag> flags, int saveStatus, int reregisterStatus,
                              int restoreStatus) {

    public SetConfigResult {
        flags = Set.copyOf(flags);
    }

    public boolean saved() {
        return flags.contains(SetConfigResultFlag.SAVED);
    }

    /** The new registration flags wait for the filter to be reloaded. */
    public boolean reloadRequired() {
        return flags.contains(SetConfigResultFlag.RELOAD_REQUIRED);
    }

    public boolean reregistered() {
        return flags.contains(SetConfigResultFlag.REREGISTERED);
    }

    /** The live re-registration failed and the previous flags are registered again. */
    public boolean restored() {
        return flags.contains(SetConfigResultFlag.RESTORED);
    }

    public static SetConfigResult decode(byte[] bytes) {
        WireReader r = new WireReader(Wire.SET_CONFIG_RESPONSE, bytes);
        return new SetConfigResult(
                FlagBits.fromBits(SetConfigResultFlag.class, r.u32("ResultFlags"), r.where("ResultFlags")),
                r.u32("SaveStatus"), r.u32("ReregisterStatus"), r.u32("RestoreStatus"));
    }
}
