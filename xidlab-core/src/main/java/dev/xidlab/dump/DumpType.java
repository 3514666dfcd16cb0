package dev.xidlab.dump;

/**
 * DUMP_HEADER.DumpType: the SDK's DUMP_TYPE (1-7), and the types WinDbg's {@code .dump /k}, {@code /ka} and
 * {@code /f} write (8-10, an 'RDMP' header after the dump header; kdmp-parser's names).
 */
public enum DumpType {
    FULL(1), KERNEL(2), HEADER_ONLY(3), TRIAGE(4), BITMAP_FULL(5), BITMAP_KERNEL(6), AUTOMATIC(7),
    KERNEL_MEMORY(8), KERNEL_AND_USER_MEMORY(9), COMPLETE_MEMORY(10);

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

    /** A dump WinDbg wrote with {@code .dump}: its 'RDMP' page layout is not read. */
    public boolean rdmp() {
        return value >= 8;
    }
}
