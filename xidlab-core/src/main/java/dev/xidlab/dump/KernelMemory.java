package dev.xidlab.dump;

import dev.xidlab.unwind.MemoryAbsentException;
import dev.xidlab.unwind.VirtualMemory;

/**
 * The kernel's virtual memory in a 64-bit kernel memory dump: an x64 four-level page walk from the header's
 * DirectoryTableBase (CR3 of the crashing processor) over the dump's physical pages.
 *
 * <p>What the walk relies on, all of it the processor's own format (Intel SDM vol. 3, 4.5; AMD APM vol. 2, 5.3):
 * entries are 8 bytes, bit 0 present, bits 51:12 the next table's or the page's physical address; bit 7 (PS) in a
 * PDPTE maps a 1 GiB page and in a PDE a 2 MiB page. One Windows-specific reading is added, as WinDbg makes it: a
 * PTE that is not present but has bit 11 (transition) set and bit 10 (prototype) clear still names its physical
 * page, which sits on the standby or modified list with its contents intact. Every other non-present entry
 * (a pagefile entry, a guard page, nothing at all) is absent, and the message says at which level. The walk is
 * four reads long whatever the tables say, so a table that points back at itself cannot loop.
 */
public final class KernelMemory extends DumpMemory {

    private static final long ADDRESS_BITS = 0x000F_FFFF_FFFF_F000L;
    private static final long PRESENT = 1;
    private static final long LARGE = 1L << 7;
    private static final long PROTOTYPE = 1L << 10;
    private static final long TRANSITION = 1L << 11;
    private static final String[] LEVELS = {"PML4E", "PDPTE", "PDE", "PTE"};
    private static final int RECENT = 64;

    private final DumpBytes bytes;
    private final PhysicalPages physical;
    private final long directoryTableBase;
    /**
     * Pages translated lately and their file offsets, by the page number's low bits: a walk reads a stack a word at
     * a time and, between its words, module images' .pdata, .xdata and code, so one page would not do.
     */
    private final Mapping[] recent = new Mapping[RECENT];

    private record Mapping(long page, long fileOffset) {
    }

    KernelMemory(DumpBytes bytes, PhysicalPages physical, long directoryTableBase) {
        super(bytes);
        this.bytes = bytes;
        this.physical = physical;
        this.directoryTableBase = directoryTableBase & ADDRESS_BITS;
    }

    public long directoryTableBase() {
        return directoryTableBase;
    }

    PhysicalPages physical() {
        return physical;
    }

    @Override
    public String describe() {
        return "the kernel memory dump (" + physical.describe() + ")";
    }

    /** The physical address {@code address} maps to, through the dump's page tables. */
    public long translate(long address) throws MemoryAbsentException {
        if (!canonical(address)) {
            throw new MemoryAbsentException(address, "not a canonical x64 address");
        }
        long table = directoryTableBase;
        for (int level = 0; level < 4; level++) {
            int shift = 39 - 9 * level;
            long index = (address >>> shift) & 0x1FF;
            long entry = physicalU64(address, table + index * 8, LEVELS[level]);
            if ((entry & PRESENT) == 0) {
                if (level == 3 && (entry & TRANSITION) != 0 && (entry & PROTOTYPE) == 0) {
                    return (entry & ADDRESS_BITS) | (address & 0xFFF);      // standby or modified page
                }
                throw new MemoryAbsentException(address, LEVELS[level] + (entry == 0 ? " is empty (not mapped)"
                        : String.format(" 0x%X is not present (paged out, a guard page or never mapped)", entry)));
            }
            if ((level == 1 || level == 2) && (entry & LARGE) != 0) {
                long pageMask = (1L << shift) - 1;
                return (entry & ADDRESS_BITS & ~pageMask) | (address & pageMask);
            }
            table = entry & ADDRESS_BITS;
        }
        return table | (address & 0xFFF);
    }

    private long physicalU64(long address, long physicalAddress, String level) throws MemoryAbsentException {
        long offset = physical.fileOffset(physicalAddress >>> 12);
        if (offset == PhysicalPages.NOT_IN_DUMP) {
            throw new MemoryAbsentException(address, "the page table holding its " + level + " is not in the dump: "
                    + physical.absence(physicalAddress >>> 12));
        }
        try {
            return bytes.u64(offset + (physicalAddress & 0xFFF), level);
        } catch (DumpFormatException e) {
            throw new MemoryAbsentException(address, e.getMessage());
        }
    }

    @Override
    Piece piece(long address) throws MemoryAbsentException {
        return new Piece(pageFileOffset(address) + (address & 0xFFF), PAGE_SIZE - (address & 0xFFF));
    }

    /** The file offset of the page holding {@code va}. */
    private long pageFileOffset(long va) throws MemoryAbsentException {
        long page = VirtualMemory.pageOf(va);
        int slot = (int) (page >>> 12) & (RECENT - 1);
        Mapping m = recent[slot];          // a record's fields are final: a racing read sees a whole one or null
        if (m != null && m.page() == page) {
            return m.fileOffset();
        }
        long pa = translate(page);
        long fileOffset = physical.fileOffset(pa >>> 12);
        if (fileOffset == PhysicalPages.NOT_IN_DUMP) {
            throw new MemoryAbsentException(va, physical.absence(pa >>> 12));
        }
        recent[slot] = new Mapping(page, fileOffset);
        return fileOffset;
    }

    private static boolean canonical(long address) {
        long top = address >> 47;
        return top == 0 || top == -1;
    }
}
