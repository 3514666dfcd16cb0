package dev.xidlab.unwind;

import java.util.Locale;

/** How a frame was found: how far it can be trusted. */
public enum FrameSource {
    /** The instruction pointer (or link register) of a context record or trap frame. */
    CONTEXT,
    /** Unwound with the module's own unwind data (x64 .pdata/.xdata). */
    UNWOUND,
    /** A frame record of the arm64 frame-pointer chain. */
    FP_CHAIN,
    /** A value on the stack that points into a module: maybe a return address, maybe stale. */
    SCANNED;

    /** "context", "unwound", "fp-chain", "scanned". */
    public String label() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}
