package dev.xidlab.dump;

import static dev.xidlab.dump.DumpLayout.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Writes small 64-bit kernel memory dumps from the documented layouts: DUMP_HEADER64, then either a bitmap
 * ('SDMP'/'FDMP' header at 0x2000, one bit per physical page, pages stored in bit order from FirstPage) or the
 * header's physical memory runs (pages from 0x2000), with real x64 page tables built for the pages mapped.
 * Test code: each test maps what it then expects to read back, and can break what it wants broken.
 */
public final class KernelDumpBuilder extends Header64Builder<KernelDumpBuilder> {

    static final long PRESENT_WRITABLE = 0x3;
    static final long LARGE = 0x80;
    static final long TRANSITION = 0x800;
    private static final long ADDRESS = 0x000F_FFFF_FFFF_F000L;
    /** The SDMP/FDMP header right after DUMP_HEADER64, and its bits. */
    private static final long BITMAP = Struct.DUMP_HEADER64.size;
    private static final long BITS = BITMAP_BITS.at(BITMAP);

    private final Map<Long, byte[]> pages = new TreeMap<>();
    private final Map<Long, long[]> tables = new TreeMap<>();
    private final TreeSet<Long> omitted = new TreeSet<>();
    private long nextPfn = 0x100;
    private final long pml4;
    private long contextRip;
    private long contextRsp;
    private long moduleList;
    private boolean bitmap = true;

    public KernelDumpBuilder() {
        pml4 = nextPfn++;
        tables.put(pml4, new long[512]);
    }

    /** A full dump with its physical memory in runs instead of a bitmap. */
    KernelDumpBuilder runs() {
        bitmap = false;
        return this;
    }

    @Override
    KernelDumpBuilder self() {
        return this;
    }

    public KernelDumpBuilder context(long rip, long rsp) {
        contextRip = rip;
        contextRsp = rsp;
        return this;
    }

    /** Leaves the next physical page unused, so the pages after it start a new run. */
    KernelDumpBuilder gap() {
        nextPfn++;
        return this;
    }

    long pml4Pfn() {
        return pml4;
    }

    /** Maps {@code va}'s page to a new physical page; returns that page's bytes. */
    ByteBuffer map(long va) {
        long pfn = nextPfn++;
        pages.put(pfn, new byte[0x1000]);
        pte(va, (pfn << 12) | PRESENT_WRITABLE);
        return buffer(pfn);
    }

    /** The page {@code va} maps to, mapping it first when it is not. */
    ByteBuffer mapped(long va) {
        long pte = table(va, 3)[(int) ((va >>> 12) & 0x1FF)];
        return (pte & 1) == 0 ? map(va) : buffer((pte & ADDRESS) >>> 12);
    }

    /** The physical page {@code va} maps to. */
    long pfnOf(long va) {
        return (table(va, 3)[(int) ((va >>> 12) & 0x1FF)] & ADDRESS) >>> 12;
    }

    ByteBuffer buffer(long pfn) {
        return ByteBuffer.wrap(pages.get(pfn)).order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Writes bytes at a virtual address, mapping pages as needed. */
    public KernelDumpBuilder write(long va, byte[] bytes) {
        for (int i = 0; i < bytes.length; i++) {
            mapped(va + i).put((int) ((va + i) & 0xFFF), bytes[i]);
        }
        return this;
    }

    KernelDumpBuilder writeU64(long va, long value) {
        return write(va, ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
    }

    /** Sets the PTE of {@code va} to a raw value (not present, transition, pointing anywhere). */
    void pte(long va, long value) {
        entry(va, 3, value);
    }

    /** Sets the entry of {@code va} at a level (0 PML4E .. 3 PTE) to a raw value. */
    void entry(long va, int level, long value) {
        table(va, level)[(int) ((va >>> (39 - 9 * level)) & 0x1FF)] = value;
    }

    /** Maps a 2 MiB page at {@code va} onto 512 new physical pages; returns the first one. */
    long large2M(long va) {
        long first = (nextPfn + 511) & ~511L;
        for (long p = first; p < first + 512; p++) {
            pages.put(p, new byte[0x1000]);
        }
        nextPfn = first + 512;
        entry(va, 2, (first << 12) | PRESENT_WRITABLE | LARGE);
        return first;
    }

    /** Keeps a physical page out of the dump file (its bit clear, or outside every run). */
    void omit(long pfn) {
        omitted.add(pfn);
    }

    /** The table holding {@code va}'s entry at a level; tables on the way are created. */
    private long[] table(long va, int level) {
        long pfn = pml4;
        for (int l = 0; l < level; l++) {
            long[] t = tables.get(pfn);
            int index = (int) ((va >>> (39 - 9 * l)) & 0x1FF);
            if ((t[index] & 1) == 0) {
                long next = nextPfn++;
                tables.put(next, new long[512]);
                t[index] = (next << 12) | PRESENT_WRITABLE;
            }
            pfn = (t[index] & ADDRESS) >>> 12;
            if (!tables.containsKey(pfn)) {
                return new long[512];       // a test pointed this entry somewhere else: nothing below it
            }
        }
        return tables.get(pfn);
    }

    /**
     * Lays out a PsLoadedModuleList: the head at {@code head}, then a KLDR_DATA_TABLE_ENTRY per module (DllBase
     * 0x30, SizeOfImage 0x40, BaseDllName at 0x58 with its buffer pointer at 0x60) in a page of its own.
     */
    public KernelDumpBuilder modules(long head, long entries, DumpBuilder.Module... modules) {
        moduleList = head;
        long previous = head;
        for (int i = 0; i < modules.length; i++) {
            long entry = entries + 0x100L * i;
            long name = entry + 0x80;
            String base = modules[i].path().substring(modules[i].path().lastIndexOf('\\') + 1);
            writeU64(previous, entry);
            writeU64(entry + 8, previous);
            writeU64(entry + 0x30, modules[i].base());
            writeU64(entry + 0x40, modules[i].size());
            writeU64(entry + 0x58, 2L * base.length() | (2L * base.length() << 16));
            writeU64(entry + 0x60, name);
            write(name, base.getBytes(StandardCharsets.UTF_16LE));
            previous = entry;
        }
        writeU64(previous, head);
        writeU64(head + 8, previous);
        return this;
    }

    byte[] build() {
        List<Long> present = new ArrayList<>();
        TreeSet<Long> all = new TreeSet<>(pages.keySet());
        all.addAll(tables.keySet());
        for (long pfn : all) {
            if (!omitted.contains(pfn)) {
                present.add(pfn);
            }
        }
        long maxPfn = all.isEmpty() ? 0 : all.last();
        int bitmapBytes = (int) ((maxPfn + 64) / 64 * 8);
        long firstPage = bitmap ? (BITS + bitmapBytes + 0xFFFL) & ~0xFFFL : Struct.DUMP_HEADER64.size;
        ByteBuffer b = ByteBuffer.allocate((int) (firstPage + 0x1000L * present.size())).order(ByteOrder.LITTLE_ENDIAN);
        header64(b, 0x8664, 2);
        context64(b, contextRip, contextRsp);
        b.putLong((int) HEADER_DIRECTORY_TABLE_BASE.offset, pml4 << 12)
                .putLong((int) HEADER_PS_LOADED_MODULE_LIST.offset, moduleList)
                .putLong((int) HEADER_REQUIRED_DUMP_SPACE.offset, b.capacity());
        if (bitmap) {
            // DUMP_TYPE_BITMAP_KERNEL / _FULL
            b.putInt((int) HEADER_DUMP_TYPE.offset, bitmapSignature.equals("SDMP") ? 6 : 5);
            b.put((int) BITMAP_SIGNATURE.at(BITMAP), bitmapSignature.getBytes(StandardCharsets.US_ASCII));
            b.put((int) BITMAP_VALID_DUMP.at(BITMAP), "DUMP".getBytes(StandardCharsets.US_ASCII));
            b.putLong((int) BITMAP_FIRST_PAGE.at(BITMAP), firstPage)
                    .putLong((int) BITMAP_TOTAL_PRESENT_PAGES.at(BITMAP), present.size())
                    .putLong((int) BITMAP_PAGES.at(BITMAP), maxPfn + 1);
            for (long pfn : present) {
                int at = (int) (BITS + pfn / 8);
                b.put(at, (byte) (b.get(at) | (1 << (pfn % 8))));
            }
        } else {
            b.putInt((int) HEADER_DUMP_TYPE.offset, 1);
            List<long[]> runs = new ArrayList<>();
            for (long pfn : present) {
                long[] last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
                if (last != null && last[0] + last[1] == pfn) {
                    last[1]++;
                } else {
                    runs.add(new long[] {pfn, 1});
                }
            }
            long memory = HEADER_PHYSICAL_MEMORY_BLOCK.offset;
            b.putInt((int) MEMORY_NUMBER_OF_RUNS.at(memory), runs.size())
                    .putLong((int) MEMORY_NUMBER_OF_PAGES.at(memory), present.size());
            for (int i = 0; i < runs.size(); i++) {
                long run = MEMORY_RUN.at(memory) + (long) Struct.PHYSICAL_MEMORY_RUN64.size * i;
                b.putLong((int) RUN_BASE_PAGE.at(run), runs.get(i)[0])
                        .putLong((int) RUN_PAGE_COUNT.at(run), runs.get(i)[1]);
            }
        }
        int at = (int) firstPage;
        for (long pfn : present) {
            if (tables.containsKey(pfn)) {
                for (long e : tables.get(pfn)) {
                    b.putLong(at, e);
                    at += 8;
                }
            } else {
                b.put(at, pages.get(pfn));
                at += 0x1000;
            }
        }
        return b.array();
    }
}
