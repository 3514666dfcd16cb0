package dev.xidlab.crash;

/** DUMP_HEADER.DumpType. */
public enum DumpType {
    FULL(1), KERNEL(2), HEADER_ONLY(3), TRIAGE(4), BITMAP_FULL(5), BITMAP_KERNEL(6), AUTOMATIC(7);

    private final int value;

    DumpType(int value) {
        this.value = value;
    }

    static DumpType of(int value, String file) throws DumpFormatException {
        for (DumpType t : values()) {
            if (t.value == value) {
                return t;
            }
        }
        throw new DumpFormatException(file + ": unknown dump type " + Integer.toUnsignedString(value));
    }

    public boolean bitmap() {
        return this == BITMAP_FULL || this == BITMAP_KERNEL;
    }
}
