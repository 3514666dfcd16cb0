package dev.xidlab.dump;

/** DUMP_HEADER.MachineImageType. */
public enum Machine {
    X86(0x14C), X64(0x8664), ARM64(0xAA64);

    private final int imageType;

    Machine(int imageType) {
        this.imageType = imageType;
    }

    /** IMAGE_FILE_MACHINE_*: what a PE image for this machine says in its file header. */
    public int imageType() {
        return imageType;
    }

    static Machine of(int imageType, String file) throws DumpFormatException {
        for (Machine m : values()) {
            if (m.imageType == imageType) {
                return m;
            }
        }
        throw new DumpFormatException(String.format("%s: unknown machine type 0x%X", file, imageType));
    }
}
