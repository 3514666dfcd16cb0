package dev.xidlab.unwind;

/** A virtual address whose byte the dump does not hold; the message says why (one line). */
public final class MemoryAbsentException extends Exception {

    private final long address;
    private final String reason;

    public MemoryAbsentException(long address, String reason) {
        super(null, null, false, false);        // thrown where memory ends, often: no stack trace to fill in
        this.address = address;
        this.reason = reason;
    }

    /** The first address that is not there. */
    public long address() {
        return address;
    }

    /** Why it is not there, without the address: "not captured in this minidump", "PTE ... is not present". */
    public String reason() {
        return reason;
    }

    @Override
    public String getMessage() {
        return String.format("0x%016X: %s", address, reason);
    }
}
