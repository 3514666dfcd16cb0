package dev.xidlab.dump;

/** The part of an EXCEPTION_RECORD a walk needs: what was raised and where. */
public record ExceptionRecord(long code, long address) {

    /** STATUS_BREAKPOINT: how a dump header records the bugcheck itself, at KeBugCheckEx. */
    public static final long BREAKPOINT = 0x80000003L;
}
