package dev.xidlab.dump;

import dev.xidlab.symbols.AddressSearch;
import dev.xidlab.unwind.MemoryAbsentException;
import java.util.ArrayList;
import java.util.List;

/**
 * The kernel memory a minidump captured: the crashing thread's stack from TopOfStack, the data page, and the
 * TRIAGE_DATA_BLOCKs (each {u64 Address, u32 Offset, u32 Size}; Windows 10 adds some thousands: the windows around
 * pointers found on the stack and in the captured structures, such as the exception and context records the
 * bugcheck parameters name). Anything else is absent. Reads go to the mapped file.
 *
 * <p>The stack is searched first: almost every read of a walk lands there, and the block table is read and sorted
 * only when a read first misses it, so a minidump whose walks need no block costs nothing more. Overlapping blocks
 * (Windows trims overlaps only partly) are clipped against each other: the bytes are the same.
 */
public final class CapturedMemory extends DumpMemory {

    /** sizeof(TRIAGE_DATA_BLOCK64): ULONG64 address, ULONG file offset, ULONG size. */
    static final int BLOCK_ENTRY = 16;
    private static final long MAX_BLOCKS = 1 << 16;

    /** Captured bytes: [address, address + size) stored at fileOffset. */
    record Region(long address, long size, long fileOffset) {

        long end() {
            return address + size;
        }

        boolean contains(long va) {
            return Long.compareUnsigned(va - address, size) < 0;
        }
    }

    private final DumpBytes bytes;
    private final Region stack;
    private final List<Region> fixed;
    private final long blocksOffset;
    private final long blockCount;
    private volatile List<Region> blocks;
    private final List<String> notes = new ArrayList<>();

    /**
     * @param stack the captured stack, from TopOfStack
     * @param fixed other regions the triage block names directly (the data page)
     */
    CapturedMemory(DumpBytes bytes, Region stack, List<Region> fixed, long blocksOffset, long blockCount) {
        super(bytes);
        this.bytes = bytes;
        this.stack = stack;
        this.fixed = List.copyOf(fixed);
        this.blocksOffset = blocksOffset;
        this.blockCount = blockCount;
    }

    @Override
    public String describe() {
        return "the minidump's captured memory";
    }

    /** What did not add up in the data block table (blocks outside the file), once a read needed the table. */
    public synchronized List<String> notes() {
        return List.copyOf(notes);
    }

    @Override
    Piece piece(long address) throws MemoryAbsentException {
        Region r = stack.contains(address) ? stack : find(address);
        if (r == null) {
            throw new MemoryAbsentException(address, "not captured in this minidump");
        }
        return new Piece(r.fileOffset() + (address - r.address()), r.size() - (address - r.address()));
    }

    private Region find(long address) {
        List<Region> sorted = blocks();
        long found = AddressSearch.floor(sorted.size(), i -> sorted.get((int) i).address(), address);
        if (found < 0) {
            return null;
        }
        Region r = sorted.get((int) found);
        return r.contains(address) ? r : null;
    }

    private List<Region> blocks() {
        List<Region> b = blocks;
        return b != null ? b : readBlocks();
    }

    private synchronized List<Region> readBlocks() {
        if (blocks != null) {
            return blocks;
        }
        List<Region> all = new ArrayList<>(fixed);
        if (blockCount > MAX_BLOCKS) {
            notes.add("DataBlocksCount " + blockCount + " is absurd: the data blocks are ignored");
        } else if (blockCount > 0 && !bytes.contains(blocksOffset, BLOCK_ENTRY * blockCount)) {
            notes.add(String.format("the data block table at 0x%X lies outside the file: the data blocks are"
                    + " ignored", blocksOffset));
        } else {
            int outside = 0;
            for (long i = 0; i < blockCount; i++) {
                long entry = blocksOffset + BLOCK_ENTRY * i;
                try {
                    long address = bytes.u64(entry, "TRIAGE_DATA_BLOCK.Address");
                    long offset = Integer.toUnsignedLong(bytes.u32(entry + 8, "TRIAGE_DATA_BLOCK.Offset"));
                    long size = Integer.toUnsignedLong(bytes.u32(entry + 12, "TRIAGE_DATA_BLOCK.Size"));
                    if (bytes.contains(offset, size) && Long.compareUnsigned(address + size, address) >= 0) {
                        all.add(new Region(address, size, offset));
                    } else {
                        outside++;
                    }
                } catch (DumpFormatException e) {
                    outside++;
                }
            }
            if (outside > 0) {
                notes.add(outside + " data block(s) lie outside the file and are ignored");
            }
        }
        all.sort((x, y) -> Long.compareUnsigned(x.address(), y.address()));
        List<Region> disjoint = new ArrayList<>();
        for (Region r : all) {
            Region last = disjoint.isEmpty() ? null : disjoint.get(disjoint.size() - 1);
            if (last != null && Long.compareUnsigned(r.address(), last.end()) < 0) {
                if (Long.compareUnsigned(r.end(), last.end()) <= 0) {
                    continue;
                }
                long skip = last.end() - r.address();
                r = new Region(last.end(), r.size() - skip, r.fileOffset() + skip);
            }
            if (r.size() > 0) {
                disjoint.add(r);
            }
        }
        blocks = List.copyOf(disjoint);
        return blocks;
    }
}
