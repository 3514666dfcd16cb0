package dev.xidlab.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.unwind.MemoryAbsentException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

public class DumpReaderTest {

    public static final Path FIXTURE = Path.of(System.getProperty("xidlab.projectDir", "."),
            "fixtures/dumps/triage_x64.dmp");

    @TempDir
    Path dir;

    @Test
    void theRealMinidumpsHeaderReadsAsIndependentToolsReadIt() throws Exception {
        DumpHeader h = DumpReader.read(FIXTURE).header();

        assertTrue(h.is64Bit());
        assertEquals(DumpType.TRIAGE, h.type());
        assertEquals(Machine.X64, h.machine());
        assertEquals(16, h.processors());
        assertEquals(19041, h.build());
        assertEquals(0x1000007EL, h.bugcheck().code());
        assertEquals(List.of(0xffffffffc0000005L, 0xfffff8048b58334cL, 0xffff850429891ee8L, 0xffff850429891720L),
                h.bugcheck().parameters());
        assertEquals(Instant.parse("2021-02-21T01:38:22.987765700Z"), h.systemTime());
    }

    @Test
    void theRealMinidumpsTriageBlockReadsAsIndependentToolsReadIt() throws Exception {
        TriageData t = DumpReader.read(FIXTURE).triage().orElseThrow();

        assertEquals(0x13a28cL, t.sizeOfDump());
        assertEquals(0xffff850429890ee8L, t.topOfStack());
        assertEquals(0x2118 / 8, t.stack().size());
        assertEquals(0x97, t.modules().size());
        LoadedModule nt = t.modules().stream().filter(m -> m.name().equals("ntoskrnl.exe")).findFirst().orElseThrow();
        assertEquals(0xfffff8047ba00000L, nt.base());
        assertEquals(0x1046000L, nt.size());
        assertEquals(0xfffff8048b58334cL, t.instructionPointer());
    }

    @Test
    void theRealMinidumpListsItsUnloadedDrivers() throws Exception {
        List<UnloadedModule> unloaded = DumpReader.read(FIXTURE).triage().orElseThrow().unloaded();

        assertEquals(4, unloaded.size());
        assertEquals(new UnloadedModule("dam.sys", 0xfffff80487de0000L, 0xfffff80487dfc000L), unloaded.get(0));
        assertEquals("WdBoot.sys", unloaded.get(1).name());
    }

    @Test
    void a32BitHeaderIsRead() throws Exception {
        byte[] dump = new DumpBuilder().bits32().type(1).bugcheck(0xD1, 0x10, 2, 0, 0x8a3c1234L).build();

        DumpHeader h = DumpReader.read(dump, Path.of("x86.dmp")).header();

        assertFalse(h.is64Bit());
        assertEquals(Machine.X86, h.machine());
        assertEquals(DumpType.FULL, h.type());
        assertEquals("DRIVER_IRQL_NOT_LESS_OR_EQUAL", h.bugcheck().name());
        assertEquals(0x8a3c1234L, h.bugcheck().parameter(4));
    }

    @Test
    void kernelAndFullDumpsHaveAHeaderAndNoTriageBlock() throws Exception {
        CrashDump kernel = DumpReader.read(new DumpBuilder().type(2).build(), Path.of("MEMORY.DMP"));

        assertEquals(DumpType.KERNEL, kernel.header().type());
        assertTrue(kernel.triage().isEmpty());
    }

    @Test
    void bitmapKernelAndFullDumpsAreReadThroughTheirSdmpAndFdmpHeaders() throws Exception {
        DumpHeader kernel = DumpReader.read(new DumpBuilder().type(6).bitmapSignature("SDMP").build(),
                Path.of("k.dmp")).header();
        DumpHeader full = DumpReader.read(new DumpBuilder().type(5).bitmapSignature("FDMP").build(),
                Path.of("f.dmp")).header();

        assertEquals(DumpType.BITMAP_KERNEL, kernel.type());
        assertEquals(4242L, kernel.bitmapPresentPages().orElseThrow());
        assertEquals(DumpType.BITMAP_FULL, full.type());
    }

    @Test
    void aBitmapDumpWithoutItsBitmapHeaderIsRefused() {
        DumpFormatException e = assertThrows(DumpFormatException.class, () -> DumpReader.read(
                new DumpBuilder().type(6).bitmapSignature("XXXX").build(), Path.of("k.dmp")));

        assertTrue(e.getMessage().contains("SDMP/FDMP"), e.getMessage());
    }

    @Test
    void aFileThatIsNotADumpIsRefusedWithItsSignature() {
        DumpFormatException e = assertThrows(DumpFormatException.class,
                () -> DumpReader.read("MZ\u0090\u0000 this is a PE".getBytes(), Path.of("x.sys")));

        assertTrue(e.getMessage().startsWith("x.sys: not a Windows kernel crash dump (signature 'MZ?"),
                e.getMessage());
    }

    @Test
    void aTruncatedHeaderIsRefusedWithTheSizes() throws Exception {
        byte[] real = Files.readAllBytes(FIXTURE);

        DumpFormatException e = assertThrows(DumpFormatException.class,
                () -> DumpReader.read(real, 0x1800, Path.of("cut.dmp")));

        assertEquals("cut.dmp: truncated: the 64-bit header needs 0x2000 bytes, the file has 0x1800", e.getMessage());
    }

    @Test
    void aTruncatedDumpKeepsItsHeadersStopAndNamesWhatLiesOutside() throws Exception {
        byte[] real = Files.readAllBytes(FIXTURE);

        CrashDump cut = DumpReader.read(real, 0x10000, Path.of("cut.dmp"));

        assertTrue(cut.truncated());
        assertTrue(cut.triage().isEmpty());
        assertEquals(0x1000007EL, cut.header().bugcheck().code());
        assertTrue(cut.damage().orElseThrow().contains("lies outside the file"), cut.damage().orElseThrow());
    }

    /** One value written over the real minidump, and what the reader then says of its triage block. */
    record Corruption(String what, long offset, int value, String damage) {

        @Override
        public String toString() {
            return what;
        }
    }

    static List<Corruption> corruptions() {
        long triage = DumpLayout.Struct.DUMP_HEADER64.size;
        return List.of(
                new Corruption("an absurd DriverCount is refused before anything is allocated",
                        DumpLayout.TRIAGE_DRIVER_COUNT.at(triage), 0x7FFFFFFF, "DriverCount 2147483647 is absurd"),
                new Corruption("a missing 'DGRT' valid marker", 0x13a288, 0, "no 'DGRT' marker at 0x13A288"),
                new Corruption("a driver name outside the string pool", 0x10828, 0x100, "outside the string pool"));
    }

    @ParameterizedTest
    @MethodSource("corruptions")
    void aCorruptTriageBlockIsLeftUnreadWithTheReason(Corruption c) throws Exception {
        byte[] real = Files.readAllBytes(FIXTURE);
        ByteBuffer.wrap(real).order(ByteOrder.LITTLE_ENDIAN).putInt((int) c.offset(), c.value());

        CrashDump dump = DumpReader.read(real, Path.of("a"));

        assertTrue(dump.damage().orElseThrow().contains(c.damage()), dump.toString());
    }

    @Test
    void theRealMinidumpCapturedTheContextRecordItsBugcheckNames() throws Exception {
        TriageData t = DumpReader.read(FIXTURE).triage().orElseThrow();
        long context = 0xffff850429891720L;    // 0x1000007E's parameter 4, inside the captured stack

        assertEquals(0x10001F, t.memory().bytes(context + 0x30, 4).getInt(0), "CONTEXT_FULL");
        assertEquals(0xfffff8048b58334cL, ContextRecords.x64(t.memory(), context).orElseThrow().rip());
    }

    @Test
    void theRealMinidumpsExceptionRecordIsTheBreakpointAtKeBugCheckEx() throws Exception {
        ExceptionRecord e = DumpReader.read(FIXTURE).triage().orElseThrow().exception().orElseThrow();

        assertEquals(ExceptionRecord.BREAKPOINT, e.code());
        assertEquals(0xfffff8047bdf5a80L, e.address(), "ntoskrnl.exe+0x3f5a80");
    }

    @Test
    void theRealMinidumpsDataBlocksAreReadableByAddress() throws Exception {
        CapturedMemory m = DumpReader.read(FIXTURE).triage().orElseThrow().memory();

        // The first TRIAGE_DATA_BLOCK: 0x9c bytes at 0xfffff8047c62a7a0, stored at file offset 0x206a8.
        byte[] fromMemory = new byte[0x9c];
        m.read(0xfffff8047c62a7a0L, fromMemory, 0, fromMemory.length);
        byte[] fromFile = java.util.Arrays.copyOfRange(Files.readAllBytes(FIXTURE), 0x206a8, 0x206a8 + 0x9c);
        assertEquals(java.util.HexFormat.of().formatHex(fromFile), java.util.HexFormat.of().formatHex(fromMemory));
        MemoryAbsentException past = assertThrows(MemoryAbsentException.class,
                () -> m.read(0xfffff8047c62a7a0L + 0x9c, new byte[8], 0, 8), "nothing past the block");
        assertEquals(0xfffff8047c62a7a0L + 0x9c, past.address());
    }

    @Test
    void aHugeDumpIsReadWithoutLoadingItIntoTheHeap() throws Exception {
        Path huge = dir.resolve("MEMORY.DMP");
        try (RandomAccessFile f = new RandomAccessFile(huge.toFile(), "rw")) {
            f.write(new DumpBuilder().type(2).build());
            f.setLength(3L << 30);      // sparse: 3 GiB on paper, a few KiB on disk
        }
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long before = rt.totalMemory() - rt.freeMemory();

        CrashDump dump = DumpReader.read(huge);

        long after = rt.totalMemory() - rt.freeMemory();
        assertEquals(3L << 30, dump.fileSize());
        assertTrue(after - before < (64L << 20), "heap grew by " + ((after - before) >> 20) + " MiB");
    }

    @Test
    void aDumpWinDbgWroteIsReadAsItsHeaderWithANote() throws Exception {
        CrashDump d = DumpReader.read(new DumpBuilder().type(8).build(), Path.of("k.dmp"));

        assertEquals(DumpType.KERNEL_MEMORY, d.header().type());
        assertTrue(d.kernel().orElseThrow().memory().isEmpty());
        assertTrue(d.kernel().orElseThrow().notes().get(0).contains("'RDMP'"), d.kernel().orElseThrow().notes().toString());
    }
}
