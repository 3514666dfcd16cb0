package dev.xidlab.dump;

import dev.xidlab.unwind.MemoryAbsentException;
import dev.xidlab.unwind.VirtualMemory;

/**
 * Virtual memory whose bytes lie in a dump file in pieces (pages behind page tables, captured regions): a read
 * walks the pieces and copies from the file, and stops at the first byte no piece holds.
 */
abstract class DumpMemory implements VirtualMemory {

    /** Where {@code length} bytes from some address lie in the file. */
    record Piece(long fileOffset, long length) {
    }

    private final DumpBytes bytes;

    DumpMemory(DumpBytes bytes) {
        this.bytes = bytes;
    }

    /** The piece holding {@code address}, from that address on. */
    abstract Piece piece(long address) throws MemoryAbsentException;

    @Override
    public final void read(long address, byte[] into, int offset, int length) throws MemoryAbsentException {
        int done = 0;
        while (done < length) {
            long va = address + done;
            Piece p = piece(va);
            int n = (int) Math.min(length - done, p.length());
            try {
                bytes.read(p.fileOffset(), into, offset + done, n, "memory");
            } catch (DumpFormatException e) {
                throw new MemoryAbsentException(va, e.getMessage());
            }
            done += n;
        }
    }

    /** The read stack walks make by the thousand: a qword inside one piece, without copying. */
    @Override
    public final long u64(long address) throws MemoryAbsentException {
        Piece p = piece(address);
        if (p.length() < 8) {
            return VirtualMemory.super.u64(address);
        }
        try {
            return bytes.u64(p.fileOffset(), "memory");
        } catch (DumpFormatException e) {
            throw new MemoryAbsentException(address, e.getMessage());
        }
    }
}
