package dev.xidlab.dump;

import java.util.List;

/**
 * Where the physical pages of a kernel memory dump lie in its file. A full dump lists runs of physical pages
 * stored one after another from the end of the header; a bitmap dump (SDMP kernel, FDMP full) has one bit per
 * physical page and stores the pages whose bit is set in bit order from its FirstPage offset. What the layout
 * claims and the file cannot hold (a truncated dump) is absent, with a note; nothing is read beyond the file.
 */
sealed interface PhysicalPages permits PhysicalRuns, PhysicalBitmap {

    long NOT_IN_DUMP = -1;

    /** The file offset of physical page {@code pfn}, or {@link #NOT_IN_DUMP}. */
    long fileOffset(long pfn);

    /** Why {@code pfn} has no file offset, for a note. */
    String absence(long pfn);

    /** Pages the file really holds. */
    long pagesInFile();

    /** "3 runs" / "SDMP bitmap of 262,144 pages". */
    String describe();

    /** What did not add up (counts that disagree, a truncated file). */
    List<String> notes();
}
