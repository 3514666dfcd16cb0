package dev.xidlab.dump;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The bitmap of a 64-bit bitmap dump, right after the 0x2000-byte header: 'SDMP' (kernel memory dump) or 'FDMP'
 * (full), 'DUMP', FirstPage (the file offset of the first stored page) at +0x20, TotalPresentPages at +0x28,
 * Pages (the number of bits, one per physical page) at +0x30 and the bits from +0x38. The n-th set bit's page is
 * stored at FirstPage + n * 0x1000. The bitmap stays in the mapped file; a rank index (one count per 32,768
 * pages) finds n without walking it.
 */
final class PhysicalBitmap implements PhysicalPages {

    static final long HEADER = DumpLayout.Struct.DUMP_HEADER64.size;
    private static final long BITS = DumpLayout.BITMAP_BITS.at(HEADER);
    private static final int BLOCK_BITS = 1 << 15;
    private static final int BLOCK_LONGS = BLOCK_BITS / 64;

    private final DumpBytes bytes;
    private final boolean kernel;
    private final long firstPage;
    private final long bits;
    private final long[] rank;
    private final long pagesInFile;
    private final List<String> notes;

    private PhysicalBitmap(DumpBytes bytes, boolean kernel, long firstPage, long bits, long[] rank, long pagesInFile,
                           List<String> notes) {
        this.bytes = bytes;
        this.kernel = kernel;
        this.firstPage = firstPage;
        this.bits = bits;
        this.rank = rank;
        this.pagesInFile = pagesInFile;
        this.notes = List.copyOf(notes);
    }

    /** Whether the bytes at 0x2000 are an SDMP/FDMP bitmap header. */
    static boolean present(DumpBytes b) throws DumpFormatException {
        if (!b.contains(HEADER, 8)) {
            return false;
        }
        int signature = b.u32(HEADER, "bitmap header");
        return (signature == DumpReader.SDMP || signature == DumpReader.FDMP)
                && b.u32(HEADER + 4, "bitmap header") == DumpReader.DUMP;
    }

    /**
     * The bitmap, or empty with the reason in {@code notes} when its own numbers rule it out (a bitmap that lies
     * outside the file, pages that would start inside the headers).
     */
    static Optional<PhysicalBitmap> read(DumpBytes b, List<String> notes) throws DumpFormatException {
        boolean kernel = b.u32(HEADER, "bitmap header") == DumpReader.SDMP;
        long firstPage = b.u64(HEADER, DumpLayout.BITMAP_FIRST_PAGE);
        long claimedPresent = b.u64(HEADER, DumpLayout.BITMAP_TOTAL_PRESENT_PAGES);
        long bits = b.u64(HEADER, DumpLayout.BITMAP_PAGES);
        long bitmapBytes = bits < 0 ? -1 : (bits + 63) / 64 * 8;
        if (bitmapBytes < 0 || !b.contains(BITS, bitmapBytes)) {
            notes.add(String.format("the bitmap claims 0x%X physical pages: its bits would lie outside the file"
                    + " (0x%X bytes); no memory is readable", bits, b.fileSize()));
            return Optional.empty();
        }
        if (firstPage < BITS + (bits + 7) / 8 || (firstPage & 0xFFF) != 0) {
            notes.add(String.format("the bitmap's first page offset 0x%X is not a page boundary after the bitmap;"
                    + " no memory is readable", firstPage));
            return Optional.empty();
        }
        long blocks = (bits + BLOCK_BITS - 1) / BLOCK_BITS;
        long[] rank = new long[(int) blocks + 1];
        long set = 0;
        for (long w = 0; w < bitmapBytes / 8; w++) {
            if (w % BLOCK_LONGS == 0) {
                rank[(int) (w / BLOCK_LONGS)] = set;
            }
            long word = b.u64(BITS + 8 * w, "bitmap");
            if (w == bitmapBytes / 8 - 1 && bits % 64 != 0) {
                word &= (1L << (bits % 64)) - 1;      // bits past Pages are not pages
            }
            set += Long.bitCount(word);
        }
        rank[(int) blocks] = set;
        List<String> own = new ArrayList<>();
        if (set != claimedPresent) {
            own.add(String.format("the bitmap has 0x%X pages set, its header says TotalPresentPages 0x%X", set,
                    claimedPresent));
        }
        long inFile = Math.max(0, Math.min(set, (b.fileSize() - firstPage) / 0x1000));
        if (inFile < set) {
            own.add(String.format("the dump is truncated: the bitmap claims 0x%X pages, the file holds 0x%X; the"
                    + " rest are not in it", set, inFile));
        }
        notes.addAll(own);
        return Optional.of(new PhysicalBitmap(b, kernel, firstPage, bits, rank, inFile, own));
    }

    @Override
    public long fileOffset(long pfn) {
        long n = index(pfn);
        return n < 0 || n >= pagesInFile ? NOT_IN_DUMP : firstPage + n * 0x1000;
    }

    /** How many set bits come before {@code pfn}'s, or -1 when its bit is clear. */
    private long index(long pfn) {
        if (pfn < 0 || pfn >= bits) {
            return -1;
        }
        try {
            long word = bytes.u64(BITS + 8 * (pfn / 64), "bitmap");
            if ((word & (1L << (pfn % 64))) == 0) {
                return -1;
            }
            long n = rank[(int) (pfn / BLOCK_BITS)];
            for (long w = pfn / BLOCK_BITS * BLOCK_LONGS; w < pfn / 64; w++) {
                n += Long.bitCount(bytes.u64(BITS + 8 * w, "bitmap"));
            }
            return n + Long.bitCount(word & ((1L << (pfn % 64)) - 1));
        } catch (DumpFormatException e) {
            return -1;          // checked when the bitmap was read: cannot happen
        }
    }

    @Override
    public String absence(long pfn) {
        if (pfn < 0 || pfn >= bits) {
            return String.format("physical page 0x%X is beyond the bitmap's 0x%X pages", pfn, bits);
        }
        return index(pfn) < 0 ? String.format("physical page 0x%X is not in the dump (its bit is clear)", pfn)
                : String.format("physical page 0x%X lies past the end of the truncated file", pfn);
    }

    @Override
    public long pagesInFile() {
        return pagesInFile;
    }

    @Override
    public String describe() {
        return String.format("%s bitmap of 0x%X pages, 0x%X present", kernel ? "SDMP (kernel)" : "FDMP (full)",
                bits, pagesInFile);
    }

    @Override
    public List<String> notes() {
        return notes;
    }
}
