package dev.xidlab.unwind;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The target's kernel virtual memory as a dump holds it: a kernel memory dump through its page tables, a minidump
 * through the stack and data blocks it captured. Reads either return every byte asked for or say why one is not
 * there (not captured, a page table entry not present, a page the file does not hold); nothing is guessed. Stack
 * walks, the double-fault analysis and the module list all read through this one interface.
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

    /** What this memory is, for notes: "the kernel memory dump (...)", "the minidump's captured memory". */
    String describe();

    default long u64(long address) throws MemoryAbsentException {
        byte[] b = new byte[8];
        read(address, b, 0, 8);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    /** {@code length} bytes at {@code address} as a little-endian buffer of their own. */
    default ByteBuffer bytes(long address, int length) throws MemoryAbsentException {
        byte[] b = new byte[length];
        read(address, b, 0, length);
        return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
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
