package dev.xidlab.crash;

/** A value on the captured stack that points into a loaded module: a return address, most likely. */
public record StackFrame(long address, String module, long offset) {

    public String signature() {
        return module + "+0x" + Long.toHexString(offset);
    }
}
