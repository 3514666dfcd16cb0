package dev.xidlab.dump;

import static dev.xidlab.dump.DumpLayout.*;

import dev.xidlab.io.InputFile;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads Windows kernel crash dumps (DUMP_HEADER32/64 of every dump type, the TRIAGE_DUMP32/64 block of
 * minidumps, and the physical memory layout of 64-bit full and kernel memory dumps) from a memory-mapped file:
 * only the pages holding what is asked for are touched, so a MEMORY.DMP of any size costs no heap. Every count
 * and offset is checked against the file before it is used.
 */
public final class DumpReader {

    static final int PAGE = 0x45474150;            // "PAGE"
    static final int DU64 = 0x34365544;            // "DU64"
    static final int DUMP = 0x504D5544;            // "DUMP"
    static final int TRIAGE_VALID = 0x44475254;    // 'DGRT'
    static final int SDMP = 0x504D4453;            // "SDMP": bitmap kernel dump
    static final int FDMP = 0x504D4446;            // "FDMP": bitmap full dump

    private static final int HEADER64 = DumpLayout.Struct.DUMP_HEADER64.size;
    private static final int HEADER32 = 0x1000;
    private static final long CONTEXT64 = DumpLayout.HEADER_CONTEXT_RECORD.offset;
    /** DUMP_HEADER32.PhysicalMemoryBlock: NumberOfRuns, NumberOfPages (ULONGs), then the runs. */
    private static final long DESCRIPTOR32 = 0x64;
    private static final int MAX_MODULES = 4096;
    private static final int MAX_UNLOADED = 1024;
    private static final int MAX_STACK = 1 << 20;
    private static final int MAX_NAME_CHARS = 1024;
    private static final int DRIVER_ENTRY64 = DumpLayout.Struct.DUMP_DRIVER_ENTRY64.size;
    private static final int DRIVER_ENTRY32_MIN = 0x4C;
    /** DUMP_HEADER64.Exception: the EXCEPTION_RECORD64 of the stop. */
    private static final long EXCEPTION64 = DumpLayout.HEADER_EXCEPTION.offset;
    private static final long FILETIME_EPOCH_OFFSET = 11_644_473_600L;

    private DumpReader() {
    }

    public static CrashDump read(Path file) throws DumpFormatException {
        String name = file.toString();
        Optional<String> problem = InputFile.problem(file);
        if (problem.isPresent()) {
            throw new DumpFormatException(name + ": " + problem.get());
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            return parse(DumpBytes.map(channel, name), file);
        } catch (IOException e) {
            throw new DumpFormatException(name + ": cannot read: " + e.getMessage());
        }
    }

    /** Parses dump bytes already in memory (tests, fuzzing). */
    public static CrashDump read(byte[] bytes, Path name) throws DumpFormatException {
        return read(bytes, bytes.length, name);
    }

    /** Parses the first {@code length} bytes as a whole file: a truncated copy without copying. */
    public static CrashDump read(byte[] bytes, int length, Path name) throws DumpFormatException {
        return parse(new DumpBytes(ByteBuffer.wrap(bytes, 0, length).slice(), length, name.toString()), name);
    }

    public static boolean looksLikeDump(Path file) {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            ByteBuffer head = ByteBuffer.allocate(4);
            return channel.read(head, 0) == 4 && head.order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt(0) == PAGE;
        } catch (IOException e) {
            return false;
        }
    }

    private static CrashDump parse(DumpBytes b, Path file) throws DumpFormatException {
        if (b.fileSize() < 8) {
            throw new DumpFormatException(b.file() + ": " + b.fileSize() + " bytes is too short for a dump header");
        }
        int signature = b.u32(0, "signature");
        int valid = b.u32(4, "signature");
        if (signature != PAGE || (valid != DU64 && valid != DUMP)) {
            throw new DumpFormatException(b.file() + ": not a Windows kernel crash dump (signature '"
                    + printable(b.ascii(0, 8, "signature")) + "', expected 'PAGEDU64' or 'PAGEDUMP')");
        }
        boolean is64 = valid == DU64;
        int headerSize = is64 ? HEADER64 : HEADER32;
        if (b.fileSize() < headerSize) {
            throw new DumpFormatException(String.format("%s: truncated: the %d-bit header needs 0x%X bytes, the"
                    + " file has 0x%X", b.file(), is64 ? 64 : 32, headerSize, b.fileSize()));
        }
        DumpHeader header = is64 ? header64(b) : header32(b);
        if (header.type() == DumpType.TRIAGE) {
            try {
                return new CrashDump(file, b.fileSize(), header, Optional.of(triage(b, headerSize, is64,
                        header.machine())), Optional.empty(), Optional.empty());
            } catch (DumpFormatException e) {
                // A dump cut short (a pagefile too small, a copy interrupted) still has its stop code: keep the
                // header.
                return new CrashDump(file, b.fileSize(), header, Optional.empty(), Optional.empty(),
                        Optional.of(e.getMessage()));
            }
        }
        Optional<KernelDump> kernel = is64 && header.type() != DumpType.HEADER_ONLY
                ? Optional.of(kernel(b, header))
                : Optional.empty();
        return new CrashDump(file, b.fileSize(), header, Optional.empty(), kernel, Optional.empty());
    }

    private static DumpHeader header64(DumpBytes b) throws DumpFormatException {
        DumpType type = DumpType.of(b.u32(HEADER_DUMP_TYPE), b.file());
        List<Long> params = List.of(b.u64(HEADER_BUGCHECK_PARAMETER1), b.u64(HEADER_BUGCHECK_PARAMETER2),
                b.u64(HEADER_BUGCHECK_PARAMETER3), b.u64(HEADER_BUGCHECK_PARAMETER4));
        return new DumpHeader(true, type, Machine.of(b.u32(HEADER_MACHINE_IMAGE_TYPE), b.file()),
                b.u32(HEADER_NUMBER_PROCESSORS), b.u32(HEADER_MINOR_VERSION),
                new Bugcheck(Integer.toUnsignedLong(b.u32(HEADER_BUGCHECK_CODE)), params),
                filetime(b.u64(HEADER_SYSTEM_TIME)), hundredNanos(b.u64(HEADER_SYSTEM_UP_TIME)),
                b.u64(HEADER_REQUIRED_DUMP_SPACE), bitmap(b, type, HEADER64),
                physicalPages(type, b.u32(PhysicalRuns.DESCRIPTOR, MEMORY_NUMBER_OF_RUNS),
                        b.u64(PhysicalRuns.DESCRIPTOR, MEMORY_NUMBER_OF_PAGES)));
    }

    private static DumpHeader header32(DumpBytes b) throws DumpFormatException {
        DumpType type = DumpType.of(b.u32(0xF88, "DumpType"), b.file());
        List<Long> params = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            params.add(Integer.toUnsignedLong(b.u32(0x2C + 4L * i, "BugCheckParameter" + (i + 1))));
        }
        return new DumpHeader(false, type, Machine.of(b.u32(0x20, "MachineImageType"), b.file()),
                b.u32(0x24, "NumberProcessors"), b.u32(0x0C, "MinorVersion"),
                new Bugcheck(Integer.toUnsignedLong(b.u32(0x28, "BugCheckCode")), params),
                filetime(b.u64(0xFC0, "SystemTime")), hundredNanos(b.u64(0xFB8, "SystemUpTime")),
                b.u64(0xFA0, "RequiredDumpSpace"), bitmap(b, type, HEADER32),
                physicalPages(type, b.u32(DESCRIPTOR32, "NumberOfRuns"),
                        Integer.toUnsignedLong(b.u32(DESCRIPTOR32 + 4, "NumberOfPages"))));
    }

    /**
     * The physical memory descriptor's NumberOfPages, where the dump type carries one (full and kernel memory
     * dumps); a header whose descriptor still holds the 'PAGE' fill, or claims no pages, has none.
     */
    private static Optional<Long> physicalPages(DumpType type, int numberOfRuns, long numberOfPages) {
        boolean carries = type != DumpType.TRIAGE && type != DumpType.HEADER_ONLY && !type.rdmp();
        return carries && numberOfRuns != PAGE && numberOfPages > 0 && numberOfPages != 0x4547415045474150L
                && numberOfPages < (1L << 40) ? Optional.of(numberOfPages) : Optional.empty();
    }

    /** Bitmap dumps carry an SDMP/FDMP header after the dump header; its page count is reported. */
    private static Optional<Long> bitmap(DumpBytes b, DumpType type, int at) throws DumpFormatException {
        if (!type.bitmap()) {
            return Optional.empty();
        }
        int signature = b.u32(at, "bitmap header");
        if ((signature != SDMP && signature != FDMP) || b.u32(at + 4L, "bitmap header") != DUMP) {
            throw new DumpFormatException(String.format("%s: %s dump without its SDMP/FDMP bitmap header at 0x%X",
                    b.file(), type.name().toLowerCase(java.util.Locale.ROOT).replace('_', ' '), at));
        }
        return Optional.of(b.u64(at, BITMAP_TOTAL_PRESENT_PAGES));
    }

    /**
     * The memory of a 64-bit full or kernel memory dump: a bitmap when an SDMP/FDMP header follows the dump
     * header (bitmap dumps, and the summary dumps of type 2), else the header's physical memory runs. A layout
     * that cannot be used leaves the dump readable as a header, with the reason as a note.
     */
    private static KernelDump kernel(DumpBytes b, DumpHeader header) throws DumpFormatException {
        List<String> notes = new ArrayList<>();
        Optional<PhysicalPages> pages;
        if (header.type().rdmp()) {
            notes.add("a dump WinDbg's .dump wrote (an 'RDMP' layout): its memory is not read, only its header");
            pages = Optional.empty();
        } else if (PhysicalBitmap.present(b)) {
            pages = PhysicalBitmap.read(b, notes).map(p -> p);
        } else if (b.u32(PhysicalRuns.DESCRIPTOR, MEMORY_NUMBER_OF_RUNS) == PAGE) {
            notes.add("the header has no physical memory descriptor (its space still holds the 'PAGE' fill)");
            pages = Optional.empty();
        } else {
            PhysicalRuns runs = PhysicalRuns.read(b);
            notes.addAll(runs.notes());
            pages = Optional.of(runs);
        }
        if (header.machine() != Machine.X64) {
            notes.add("only x64 page tables are walked: the " + header.machine().name().toLowerCase(Locale.ROOT)
                    + " dump's memory is not read");
            pages = Optional.empty();
        }
        long directoryTableBase = b.u64(HEADER_DIRECTORY_TABLE_BASE);
        return new KernelDump(pages.map(p -> new KernelMemory(b, p, directoryTableBase)),
                b.u64(HEADER_PS_LOADED_MODULE_LIST),
                b.slice(CONTEXT64, ContextRecords.X64_CONTEXT, "context record"),
                exception(b, EXCEPTION64, true), notes);
    }

    private static TriageData triage(DumpBytes b, int at, boolean is64, Machine machine) throws DumpFormatException {
        // TRIAGE_DUMP32 lays out every field up to TopOfStack as TRIAGE_DUMP64 does.
        long sizeOfDump = Integer.toUnsignedLong(b.u32(at, TRIAGE_SIZE_OF_DUMP));
        long validOffset = Integer.toUnsignedLong(b.u32(at, TRIAGE_VALID_OFFSET));
        if (b.u32(validOffset, "triage ValidOffset") != TRIAGE_VALID) {
            throw new DumpFormatException(String.format("%s: triage block not valid: no 'DGRT' marker at 0x%X",
                    b.file(), validOffset));
        }
        long contextOffset = Integer.toUnsignedLong(b.u32(at, TRIAGE_CONTEXT_OFFSET));
        long unloadedOffset = Integer.toUnsignedLong(b.u32(at, TRIAGE_UNLOADED_DRIVERS_OFFSET));
        long stackOffset = Integer.toUnsignedLong(b.u32(at, TRIAGE_CALL_STACK_OFFSET));
        long stackSize = Integer.toUnsignedLong(b.u32(at, TRIAGE_SIZE_OF_CALL_STACK));
        long driverOffset = Integer.toUnsignedLong(b.u32(at, TRIAGE_DRIVER_LIST_OFFSET));
        long driverCount = Integer.toUnsignedLong(b.u32(at, TRIAGE_DRIVER_COUNT));
        long poolOffset = Integer.toUnsignedLong(b.u32(at, TRIAGE_STRING_POOL_OFFSET));
        long poolSize = Integer.toUnsignedLong(b.u32(at, TRIAGE_STRING_POOL_SIZE));
        long topOfStack = is64 ? b.u64(at, TRIAGE_TOP_OF_STACK)
                : Integer.toUnsignedLong(b.u32(at, TRIAGE_TOP_OF_STACK));

        if (stackSize > MAX_STACK) {
            throw new DumpFormatException(String.format("%s: SizeOfCallStack 0x%X is absurd (more than 0x%X)",
                    b.file(), stackSize, MAX_STACK));
        }
        if (driverCount > MAX_MODULES) {
            throw new DumpFormatException(b.file() + ": DriverCount " + driverCount + " is absurd (more than "
                    + MAX_MODULES + ")");
        }

        int width = is64 ? 8 : 4;
        b.require(stackOffset, stackSize, "captured stack");
        List<Long> stack = new ArrayList<>();
        for (long o = 0; o + width <= stackSize; o += width) {
            stack.add(b.pointer(stackOffset + o, is64, "captured stack"));
        }

        long ip;
        long sp;
        switch (machine) {
            case X64 -> {
                ip = b.u64(CONTEXT_RIP.at(contextOffset), "CONTEXT.Rip");
                sp = b.u64(CONTEXT_RSP.at(contextOffset), "CONTEXT.Rsp");
            }
            case ARM64 -> {
                ip = b.u64(contextOffset + 0x108, "CONTEXT.Pc");
                sp = b.u64(contextOffset + 0x100, "CONTEXT.Sp");
            }
            default -> {
                ip = Integer.toUnsignedLong(b.u32(contextOffset + 0xB8, "CONTEXT.Eip"));
                sp = Integer.toUnsignedLong(b.u32(contextOffset + 0xC4, "CONTEXT.Esp"));
            }
        }

        List<LoadedModule> modules = modules(b, is64, driverOffset, driverCount, poolOffset, poolSize);
        List<UnloadedModule> unloaded = unloadedOffset == 0 ? List.of() : unloaded(b, is64, unloadedOffset);
        long exceptionOffset = Integer.toUnsignedLong(b.u32(at, TRIAGE_EXCEPTION_OFFSET));
        Optional<ExceptionRecord> exception = exceptionOffset == 0 ? Optional.empty()
                : exception(b, exceptionOffset, is64);
        return new TriageData(sizeOfDump, ip, sp, topOfStack, stack, modules, unloaded,
                captured(b, at, is64, topOfStack, stackOffset, stackSize),
                b.slice(contextOffset, ContextRecords.size(machine), "context record"), exception);
    }

    /** The code and address of an EXCEPTION_RECORD32/64; a zeroed record (no exception) reads as none. */
    private static Optional<ExceptionRecord> exception(DumpBytes b, long offset, boolean is64)
            throws DumpFormatException {
        long code = Integer.toUnsignedLong(b.u32(offset, "ExceptionCode"));
        long address = b.pointer(offset + (is64 ? 0x10 : 0x0C), is64, "ExceptionAddress");
        return code == 0 && address == 0 ? Optional.empty() : Optional.of(new ExceptionRecord(code, address));
    }

    /**
     * What the minidump captured, by address: the stack, the data page, and (64-bit) the data blocks, whose table
     * is read only when a read first misses the stack.
     */
    private static CapturedMemory captured(DumpBytes b, int at, boolean is64, long topOfStack, long stackOffset,
                                           long stackSize) throws DumpFormatException {
        CapturedMemory.Region stack = new CapturedMemory.Region(topOfStack, stackSize, stackOffset);
        if (!is64) {
            return new CapturedMemory(b, stack, List.of(), 0, 0);
        }
        List<CapturedMemory.Region> fixed = new ArrayList<>();
        long dataPage = b.u64(at, TRIAGE_DATA_PAGE_ADDRESS);
        long dataPageOffset = Integer.toUnsignedLong(b.u32(at, TRIAGE_DATA_PAGE_OFFSET));
        long dataPageSize = Integer.toUnsignedLong(b.u32(at, TRIAGE_DATA_PAGE_SIZE));
        if (dataPage != 0 && b.contains(dataPageOffset, dataPageSize)) {
            fixed.add(new CapturedMemory.Region(dataPage, dataPageSize, dataPageOffset));
        }
        return new CapturedMemory(b, stack, fixed, Integer.toUnsignedLong(b.u32(at, TRIAGE_DATA_BLOCKS_OFFSET)),
                Integer.toUnsignedLong(b.u32(at, TRIAGE_DATA_BLOCKS_COUNT)));
    }

    private static List<LoadedModule> modules(DumpBytes b, boolean is64, long listOffset, long count,
                                              long poolOffset, long poolSize) throws DumpFormatException {
        if (count == 0) {
            return List.of();
        }
        long stride = is64 ? DRIVER_ENTRY64 : Math.max(DRIVER_ENTRY32_MIN, (poolOffset - listOffset) / count);
        b.require(listOffset, stride * count, "driver list");
        List<LoadedModule> modules = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            long entry = listOffset + i * stride;
            long nameOffset = Integer.toUnsignedLong(b.u32(entry, "DriverNameOffset"));
            long base;
            long size;
            long stamp;
            if (is64) {
                base = b.u64(entry, DRIVER_DLL_BASE);
                size = Integer.toUnsignedLong(b.u32(entry, DRIVER_SIZE_OF_IMAGE));
                stamp = Integer.toUnsignedLong(b.u32(entry, DRIVER_TIME_DATE_STAMP));
            } else {
                base = Integer.toUnsignedLong(b.u32(entry + 4 + 0x18, "DllBase"));
                size = Integer.toUnsignedLong(b.u32(entry + 4 + 0x20, "SizeOfImage"));
                stamp = Integer.toUnsignedLong(b.u32(entry + 4 + 0x44, "TimeDateStamp"));
            }
            modules.add(new LoadedModule(poolName(b, nameOffset, poolOffset, poolSize), base, size, stamp));
        }
        modules.sort((x, y) -> Long.compareUnsigned(x.base(), y.base()));
        return modules;
    }

    /** A string-pool entry: a ULONG count of UTF-16 characters, then the characters; the base name is kept. */
    private static String poolName(DumpBytes b, long offset, long poolOffset, long poolSize)
            throws DumpFormatException {
        if (poolSize != 0 && (offset < poolOffset || offset >= poolOffset + poolSize)) {
            throw new DumpFormatException(String.format("%s: driver name at 0x%X lies outside the string pool"
                    + " (0x%X, 0x%X bytes)", b.file(), offset, poolOffset, poolSize));
        }
        long chars = Integer.toUnsignedLong(b.u32(offset, "driver name length"));
        if (chars > MAX_NAME_CHARS) {
            throw new DumpFormatException(String.format("%s: driver name at 0x%X claims %d characters", b.file(),
                    offset, chars));
        }
        String path = b.utf16(offset + 4, (int) chars, "driver name");
        return path.substring(path.lastIndexOf('\\') + 1);
    }

    private static List<UnloadedModule> unloaded(DumpBytes b, boolean is64, long offset)
            throws DumpFormatException {
        long count = Integer.toUnsignedLong(b.u32(offset, "unloaded driver count"));
        if (count > MAX_UNLOADED) {
            throw new DumpFormatException(b.file() + ": unloaded driver count " + count + " is absurd");
        }
        // DUMP_UNLOADED_DRIVERS: UNICODE_STRING, WCHAR[12] name, start, end.
        long first = offset + (is64 ? 8 : 4);
        long unicodeString = is64 ? 16 : 8;
        long pointer = is64 ? 8 : 4;
        long stride = unicodeString + 24 + 2 * pointer;
        b.require(first, stride * count, "unloaded drivers");
        List<UnloadedModule> unloaded = new ArrayList<>();
        for (long i = 0; i < count; i++) {
            long entry = first + i * stride;
            int bytes = b.u32(entry, "unloaded driver name") & 0xFFFF;
            String name = b.utf16(entry + unicodeString, Math.min(bytes / 2, 12), "unloaded driver name");
            unloaded.add(new UnloadedModule(name, b.pointer(entry + unicodeString + 24, is64, "StartAddress"),
                    b.pointer(entry + unicodeString + 24 + pointer, is64, "EndAddress")));
        }
        return unloaded;
    }

    /** A FILETIME: 100 ns units since 1601. A negative one (an unwritten field) reads as the epoch. */
    private static Instant filetime(long hundredNanos) {
        Duration since1601 = hundredNanos(hundredNanos);
        return Instant.ofEpochSecond(since1601.getSeconds() - FILETIME_EPOCH_OFFSET, since1601.getNano());
    }

    private static Duration hundredNanos(long value) {
        long v = Math.max(0, value);
        return Duration.ofSeconds(v / 10_000_000L, (v % 10_000_000L) * 100);
    }

    private static String printable(String text) {
        return text.replaceAll("[^\\x20-\\x7E]", "?");
    }
}
