package dev.xidlab.crash;

/**
 * Kernel virtual memory as a dump holds it: a kernel memory dump through its page tables, a minidump through the
 * few regions it captured. Reads either return every byte asked for or say why one is not there; nothing is
 * guessed.
 */
public interface VirtualMemory {

    /** x64 kernel addresses start here (the canonical upper half). */
    long KERNEL_SPACE = 0xFFFF800000000000L;
    int PAGE_SIZE = 0x1000;

    /**
     * Copies {@code length} bytes at {@code address}.
     *
     * @throws MemoryAbsentException naming the first byte the dump does not hold and why
     */
    void read(long address, byte[] into, int offset, int length) throws MemoryAbsentException;

    /** What this memory is, for notes: "the kernel memory dump's page tables", "the minidump's captured memory". */
    String describe();

    default long u64(long address) throws MemoryAbsentException {
        byte[] b = new byte[8];
        read(address, b, 0, 8);
        return java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** Whether the byte at {@code address} is in the dump. */
    default boolean present(long address) {
        try {
            read(address, new byte[1], 0, 1);
            return true;
        } catch (MemoryAbsentException e) {
            return false;
        }
    }

    static boolean isKernelAddress(long address) {
        return Long.compareUnsigned(address, KERNEL_SPACE) >= 0;
    }

    static long pageOf(long address) {
        return address & ~(long) (PAGE_SIZE - 1);
    }
}
