package dev.xidlab.unwind;

/** A .pdata entry: a function's RVA range and where its unwind information lies (x64 RUNTIME_FUNCTION). */
public record RuntimeFunction(long begin, long end, long unwindInfo) {

    public boolean contains(long rva) {
        return rva >= begin && rva < end;
    }
}
