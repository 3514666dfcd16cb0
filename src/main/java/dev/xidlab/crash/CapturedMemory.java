package dev.xidlab.crash;

import dev.xidlab.symbols.AddressSearch;
import dev.xidlab.unwind.Memory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;

/**
 * The virtual memory a triage dump captured: the crashing thread's stack from TopOfStack, and the data blocks
 * (TRIAGE_DATA_BLOCK: address, file offset, size) the writer copied around the pointers it found, such as the
 * exception and context records the bugcheck parameters name. Reads go to the mapped file.
 */
public final class CapturedMemory implements Memory {

    /** One captured range: {@code size} bytes at virtual {@code address}, stored at {@code fileOffset}. */
    public record Range(long address, long fileOffset, long size) {

        long end() {
            return address + size;
        }

        boolean contains(long at) {
            return Long.compareUnsigned(at - address, size) < 0;
        }
    }

    /** sizeof(TRIAGE_DATA_BLOCK64): ULONG64 address, ULONG file offset, ULONG size. */
    static final int BLOCK_ENTRY = 16;

    private final ByteBuffer file;
    private final Range stack;
    private final long blocksOffset;
    private final long blocksCount;
    private List<Range> blocks;

    /**
     * The stack is searched first: almost every read of a walk lands there, and the data blocks (a triage dump
     * has some thousands) are only sorted when a read misses it. Overlapping blocks (a block inside the captured
     * stack) are clipped: the bytes are the same.
     */
    CapturedMemory(ByteBuffer file, Range stack, long blocksOffset, long blocksCount) {
        this.file = file.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.stack = stack;
        this.blocksOffset = blocksOffset;
        this.blocksCount = blocksCount;
    }

    static CapturedMemory none() {
        return new CapturedMemory(ByteBuffer.allocate(0), new Range(0, 0, 0), 0, 0);
    }

    /** Every captured range, the stack first. */
    public List<Range> ranges() {
        List<Range> all = new ArrayList<>();
        all.add(stack);
        all.addAll(blocks());
        return all;
    }

    private List<Range> blocks() {
        if (blocks == null) {
            List<Range> sorted = new ArrayList<>((int) blocksCount);
            for (long i = 0; i < blocksCount; i++) {
                int entry = (int) (blocksOffset + BLOCK_ENTRY * i);
                sorted.add(new Range(file.getLong(entry), Integer.toUnsignedLong(file.getInt(entry + 8)),
                        Integer.toUnsignedLong(file.getInt(entry + 12))));
            }
            sorted.sort((a, b) -> Long.compareUnsigned(a.address(), b.address()));
            List<Range> disjoint = new ArrayList<>();
            for (Range r : sorted) {
                Range last = disjoint.isEmpty() ? null : disjoint.get(disjoint.size() - 1);
                if (last != null && Long.compareUnsigned(r.address(), last.end()) < 0) {
                    if (Long.compareUnsigned(r.end(), last.end()) <= 0) {
                        continue;
                    }
                    long skip = last.end() - r.address();
                    r = new Range(last.end(), r.fileOffset() + skip, r.size() - skip);
                }
                if (r.size() > 0) {
                    disjoint.add(r);
                }
            }
            blocks = List.copyOf(disjoint);
        }
        return blocks;
    }

    @Override
    public boolean read(long address, byte[] dst, int offset, int length) {
        int done = 0;
        while (done < length) {
            long at = address + done;
            Range r = containing(at);
            if (r == null) {
                return false;
            }
            int n = (int) Math.min(length - done, r.end() - at);
            file.get((int) (r.fileOffset() + at - r.address()), dst, offset + done, n);
            done += n;
        }
        return true;
    }

    /** The common read, without copying: a qword inside one range. */
    @Override
    public OptionalLong u64(long address) {
        Range r = containing(address);
        if (r != null && Long.compareUnsigned(r.end() - address, 8) >= 0) {
            return OptionalLong.of(file.getLong((int) (r.fileOffset() + address - r.address())));
        }
        return Memory.super.u64(address);
    }

    private Range containing(long address) {
        if (stack.contains(address)) {
            return stack;
        }
        List<Range> sorted = blocks();
        long found = AddressSearch.floor(sorted.size(), i -> sorted.get((int) i).address(), address);
        if (found < 0) {
            return null;
        }
        Range r = sorted.get((int) found);
        return r.contains(address) ? r : null;
    }
}
