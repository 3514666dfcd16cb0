package dev.xidlab.crash;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The kernel memory a minidump captured: the stack from TopOfStack (the context's RSP, at most 16 KiB of it),
 * the data page, and the TRIAGE_DATA_BLOCKs (each {u64 Address, u32 Offset, u32 Size}; Windows 10 adds hundreds:
 * the windows around pointers found on the stack and in the captured structures). Anything else is absent. The
 * block table is read the first time memory is asked for, so a minidump that needs none costs nothing more.
 */
final class CapturedMemory extends DumpMemory {

    private static final long MAX_BLOCKS = 1 << 16;

    /** Captured bytes: [address, address + size) stored at fileOffset. */
    record Region(long address, long size, long fileOffset) {

        boolean contains(long va) {
            return Long.compareUnsigned(va - address, size) < 0;
        }
    }

    private final DumpBytes bytes;
    private final List<Region> fixed;
    private final long blocksOffset;
    private final long blockCount;
    private Region[] regions;
    private final List<String> notes = new ArrayList<>();

    CapturedMemory(DumpBytes bytes, List<Region> fixed, long blocksOffset, long blockCount) {
        super(bytes);
        this.bytes = bytes;
        this.fixed = List.copyOf(fixed);
        this.blocksOffset = blocksOffset;
        this.blockCount = blockCount;
    }

    @Override
    public String describe() {
        return "the minidump's captured memory";
    }

    /** What did not add up in the data block table (blocks outside the file). */
    List<String> notes() {
        regions();
        return List.copyOf(notes);
    }

    private synchronized Region[] regions() {
        if (regions != null) {
            return regions;
        }
        List<Region> all = new ArrayList<>(fixed);
        if (blockCount > MAX_BLOCKS) {
            notes.add("DataBlocksCount " + blockCount + " is absurd: the data blocks are ignored");
        } else if (blockCount > 0 && !bytes.contains(blocksOffset, 16 * blockCount)) {
            notes.add(String.format("the data block table at 0x%X lies outside the file: the data blocks are"
                    + " ignored", blocksOffset));
        } else {
            int outside = 0;
            for (long i = 0; i < blockCount; i++) {
                try {
                    long address = bytes.u64(blocksOffset + 16 * i, "TRIAGE_DATA_BLOCK.Address");
                    long offset = Integer.toUnsignedLong(bytes.u32(blocksOffset + 16 * i + 8, "Offset"));
                    long size = Integer.toUnsignedLong(bytes.u32(blocksOffset + 16 * i + 12, "Size"));
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
        Region[] sorted = all.stream().filter(r -> r.size() > 0).toArray(Region[]::new);
        Arrays.sort(sorted, Comparator.comparing(Region::address, Long::compareUnsigned));
        regions = sorted;
        return regions;
    }

    @Override
    Piece piece(long address) throws MemoryAbsentException {
        Region r = find(address);
        if (r == null) {
            throw new MemoryAbsentException(address, "not captured in this minidump");
        }
        return new Piece(r.fileOffset() + (address - r.address()), r.size() - (address - r.address()));
    }

    /** The region holding {@code va}: the last one starting at or below it that contains it. */
    private Region find(long va) {
        Region[] all = regions();
        int lo = 0;
        int hi = all.length - 1;
        int candidate = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Long.compareUnsigned(all[mid].address(), va) <= 0) {
                candidate = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        // Blocks may overlap (Windows trims overlaps only partly): look back a little for one that covers va.
        for (int i = candidate; i >= 0 && i > candidate - 64; i--) {
            if (all[i].contains(va)) {
                return all[i];
            }
        }
        return null;
    }
}
