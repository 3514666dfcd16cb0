package dev.xidlab.dump;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The PHYSICAL_MEMORY_DESCRIPTOR of a 64-bit full dump (DUMP_HEADER64 at 0x88: NumberOfRuns, NumberOfPages,
 * then {BasePage, PageCount} pairs): the pages of run 0 follow the 0x2000-byte header, then those of run 1, and
 * so on. The descriptor has room for 43 runs in the header.
 */
final class PhysicalRuns implements PhysicalPages {

    static final long DESCRIPTOR = DumpLayout.HEADER_PHYSICAL_MEMORY_BLOCK.offset;
    static final int MAX_RUNS = DumpLayout.MEMORY_RUN.size / DumpLayout.Struct.PHYSICAL_MEMORY_RUN64.size;
    private static final long RUNS = DumpLayout.MEMORY_RUN.at(DESCRIPTOR);
    private static final long RUN = DumpLayout.Struct.PHYSICAL_MEMORY_RUN64.size;
    private static final long FIRST_PAGE = DumpLayout.Struct.DUMP_HEADER64.size;

    /** One run: pages [base, base + count) stored from fileOffset. */
    private record Run(long base, long count, long fileOffset) {
    }

    private final Run[] runs;
    private final long pagesInFile;
    private final long fileSize;
    private final List<String> notes;

    private PhysicalRuns(Run[] runs, long pagesInFile, long fileSize, List<String> notes) {
        this.runs = runs;
        this.pagesInFile = pagesInFile;
        this.fileSize = fileSize;
        this.notes = List.copyOf(notes);
    }

    /**
     * @throws DumpFormatException when the descriptor cannot be a descriptor: more runs than the header holds,
     *                             runs that overlap or wrap around
     */
    static PhysicalRuns read(DumpBytes b) throws DumpFormatException {
        long count = Integer.toUnsignedLong(b.u32(DESCRIPTOR, DumpLayout.MEMORY_NUMBER_OF_RUNS));
        long claimed = b.u64(DESCRIPTOR, DumpLayout.MEMORY_NUMBER_OF_PAGES);
        if (count > MAX_RUNS) {
            throw new DumpFormatException(String.format("%s: NumberOfRuns %d does not fit in the header (at most"
                    + " %d)", b.file(), count, MAX_RUNS));
        }
        List<String> notes = new ArrayList<>();
        Run[] runs = new Run[(int) count];
        long offset = FIRST_PAGE;
        long total = 0;
        for (int i = 0; i < count; i++) {
            long base = b.u64(RUNS + RUN * i, DumpLayout.RUN_BASE_PAGE);
            long pages = b.u64(RUNS + RUN * i, DumpLayout.RUN_PAGE_COUNT);
            if (base < 0 || pages < 0 || base + pages < base || pages > (Long.MAX_VALUE - offset) / 0x1000) {
                throw new DumpFormatException(String.format("%s: physical memory run %d (page 0x%X, 0x%X pages)"
                        + " is impossible", b.file(), i, base, pages));
            }
            runs[i] = new Run(base, pages, offset);
            offset += pages * 0x1000;
            total += pages;
        }
        Run[] byBase = runs.clone();
        Arrays.sort(byBase, Comparator.comparingLong(Run::base));
        for (int i = 1; i < byBase.length; i++) {
            Run a = byBase[i - 1];
            Run c = byBase[i];
            if (a.base() + a.count() > c.base()) {
                throw new DumpFormatException(String.format("%s: physical memory runs overlap: pages 0x%X-0x%X and"
                        + " 0x%X-0x%X", b.file(), a.base(), a.base() + a.count() - 1, c.base(),
                        c.base() + c.count() - 1));
            }
        }
        if (total != claimed) {
            notes.add(String.format("the runs hold 0x%X pages, the header says NumberOfPages 0x%X", total, claimed));
        }
        long inFile = Math.max(0, Math.min(total, (b.fileSize() - FIRST_PAGE) / 0x1000));
        if (inFile < total) {
            notes.add(String.format("the dump is truncated: its runs need 0x%X bytes, the file has 0x%X; the last"
                    + " 0x%X pages are not in it", FIRST_PAGE + total * 0x1000, b.fileSize(), total - inFile));
        }
        return new PhysicalRuns(byBase, inFile, b.fileSize(), notes);
    }

    @Override
    public long fileOffset(long pfn) {
        Run run = find(pfn);
        if (run == null) {
            return NOT_IN_DUMP;
        }
        long offset = run.fileOffset() + (pfn - run.base()) * 0x1000;
        return offset + 0x1000 <= fileSize ? offset : NOT_IN_DUMP;
    }

    @Override
    public String absence(long pfn) {
        return find(pfn) == null ? String.format("physical page 0x%X is in none of the dump's runs", pfn)
                : String.format("physical page 0x%X lies past the end of the truncated file", pfn);
    }

    private Run find(long pfn) {
        int lo = 0;
        int hi = runs.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            Run r = runs[mid];
            if (pfn < r.base()) {
                hi = mid - 1;
            } else if (pfn - r.base() < r.count()) {
                return r;
            } else {
                lo = mid + 1;
            }
        }
        return null;
    }

    @Override
    public long pagesInFile() {
        return pagesInFile;
    }

    @Override
    public String describe() {
        return runs.length + (runs.length == 1 ? " run" : " runs") + " of physical memory";
    }

    @Override
    public List<String> notes() {
        return notes;
    }
}
