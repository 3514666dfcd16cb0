package dev.xidlab.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.crash.CrashAnalysis;
import dev.xidlab.crash.CrashAnalyzer;
import dev.xidlab.crash.OverflowScenario;
import dev.xidlab.crash.OverflowedStack;
import dev.xidlab.unwind.MemoryAbsentException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class KernelDumpTest {

    static final long VA = 0xffffc08bdc234000L;

    private static KernelMemory memory(byte[] dump) throws DumpFormatException {
        return DumpReader.read(dump, Path.of("MEMORY.DMP")).kernel().orElseThrow().memory().orElseThrow();
    }

    private static CrashAnalysis analyze(byte[] dump) throws DumpFormatException {
        return CrashAnalyzer.analyze(DumpReader.read(dump, Path.of("MEMORY.DMP")), "xidfilter.sys");
    }

    @Test
    void aBitmapDumpsPageIsReadThroughItsPageTables() throws Exception {
        KernelDumpBuilder k = new KernelDumpBuilder();
        k.writeU64(VA + 0x18, 0x1122334455667788L);

        assertEquals(0x1122334455667788L, memory(k.build()).u64(VA + 0x18));
    }

    @Test
    void aFullDumpsPageIsReadThroughItsRunsEvenAcrossAGap() throws Exception {
        KernelDumpBuilder k = new KernelDumpBuilder().runs();
        k.writeU64(VA, 1);
        k.gap();
        k.writeU64(VA + 0x10000, 2);

        KernelMemory m = memory(k.build());

        assertEquals(1, m.u64(VA));
        assertEquals(2, m.u64(VA + 0x10000));
        assertTrue(m.physical().describe().startsWith("2 runs"), m.physical().describe());
    }

    @Test
    void aTwoMegabytePageMapsTheOffsetInsideIt() throws Exception {
        KernelDumpBuilder k = new KernelDumpBuilder();
        long first = k.large2M(0xfffff80400000000L);
        k.buffer(first + 0x123).putLong(0x40, 42);

        assertEquals(42, memory(k.build()).u64(0xfffff80400000000L + 0x123040));
    }

    @Test
    void aTransitionPteStillNamesItsPage() throws Exception {
        KernelDumpBuilder k = new KernelDumpBuilder();
        k.writeU64(VA, 7);
        k.pte(VA, (k.pfnOf(VA) << 12) | KernelDumpBuilder.TRANSITION);

        assertEquals(7, memory(k.build()).u64(VA));
    }

    /** A break in the page tables or the bitmap of a dump whose VA holds 7, and what the absence then says. */
    record Break(String what, java.util.function.Consumer<KernelDumpBuilder> apply, String says) {

        @Override
        public String toString() {
            return what;
        }
    }

    static List<Break> breaks() {
        return List.of(
                // not present, no transition bit: in the pagefile
                new Break("a pagefile PTE says at which level", k -> k.pte(VA, 0x0000_1234_0000_0080L),
                        "PTE 0x123400000080 is not present"),
                new Break("a page table left out of the dump", k -> k.omit(k.pfnOf(VA)), "(its bit is clear)"),
                // a PDE naming a page far beyond the machine's memory
                new Break("a page table pointing outside the file", k -> k.entry(VA, 2, 0x000F_FFFF_FFFF_F003L),
                        "beyond the bitmap"));
    }

    @ParameterizedTest
    @MethodSource("breaks")
    void aBrokenTranslationMakesThePageAbsentNotAnError(Break b) throws Exception {
        KernelDumpBuilder k = new KernelDumpBuilder();
        k.writeU64(VA, 7);
        b.apply().accept(k);

        MemoryAbsentException e = assertThrows(MemoryAbsentException.class, () -> memory(k.build()).u64(VA));

        assertTrue(e.getMessage().contains(b.says()), e.getMessage());
    }

    @Test
    void aSelfReferencingPageTableEndsAfterFourLevels() throws Exception {
        KernelDumpBuilder k = new KernelDumpBuilder();
        long self = 0x1ED;                          // Windows' self-map slot: the PML4 maps itself
        k.entry(0, 0, 0);
        long selfVa = 0xFFFF000000000000L | (self << 39) | (self << 30) | (self << 21) | (self << 12);
        k.entry(selfVa, 0, (k.pml4Pfn() << 12) | KernelDumpBuilder.PRESENT_WRITABLE);

        KernelMemory m = memory(k.build());

        assertEquals((k.pml4Pfn() << 12) | (self * 8), m.translate(selfVa + self * 8));
    }

    @Test
    void overlappingRunsAreRefused() throws Exception {
        KernelDumpBuilder k = new KernelDumpBuilder().runs();
        k.writeU64(VA, 1);
        byte[] dump = k.build();
        ByteBuffer b = ByteBuffer.wrap(dump).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0x88, 2).putLong(0xA8, b.getLong(0x98) + 1).putLong(0xB0, 4);

        DumpFormatException e = assertThrows(DumpFormatException.class,
                () -> DumpReader.read(dump, Path.of("MEMORY.DMP")));

        assertTrue(e.getMessage().startsWith("MEMORY.DMP: physical memory runs overlap"), e.getMessage());
    }

    @Test
    void aBitmapClaimingMorePagesThanTheFileHoldsIsATruncatedDump() throws Exception {
        KernelDumpBuilder k = new KernelDumpBuilder();
        k.writeU64(VA, 7);
        byte[] full = k.build();

        CrashDump cut = DumpReader.read(full, full.length - 0x1000, Path.of("MEMORY.DMP"));

        assertTrue(cut.kernel().orElseThrow().notes().stream().anyMatch(n -> n.startsWith("the dump is truncated")),
                cut.kernel().orElseThrow().notes().toString());
        assertThrows(MemoryAbsentException.class, () -> cut.kernel().orElseThrow().memory().orElseThrow().u64(VA));
    }

    @Test
    void theModuleListIsReadFromPsLoadedModuleList() throws Exception {
        byte[] dump = OverflowScenario.kernelDump().build();

        CrashAnalysis a = analyze(dump);

        assertEquals(List.of("FLTMGR.SYS", "xidfilter.sys", "ntoskrnl.exe"),
                a.modules().stream().map(LoadedModule::name).toList());
    }

    @Test
    void aModuleListThatLoopsEndsWithANote() throws Exception {
        KernelDumpBuilder k = OverflowScenario.kernelDump();
        k.writeU64(0xffffc08bdc100100L, 0xffffc08bdc100000L);     // the second entry points back at the first

        CrashAnalysis a = analyze(k.build());

        assertTrue(a.notes().stream().anyMatch(n -> n.startsWith("the module list loops")), a.notes().toString());
    }

    @Test
    void aDoubleFaultIsAttributedFromTheStackBehindItsTrapFrame() throws Exception {
        CrashAnalysis a = analyze(OverflowScenario.kernelDump().build());

        assertTrue(a.reentry(), a.notes().toString());
        OverflowedStack o = a.overflow().orElseThrow();
        assertEquals(OverflowScenario.TRAP_FRAME, o.trapFrame().address());
        assertEquals("parameter 2", o.trapFrame().foundBy());
        assertEquals(OverflowScenario.STACK_LIMIT, o.stackLimit());
        assertEquals(OverflowScenario.STACK_BASE, o.stackTop());
        assertTrue(o.baseFound());
        assertEquals(0xA0, o.intoGuardPage());
        assertEquals(0x6000 + 0xA0, o.bytesUsed());
        assertEquals(11, a.recursionDepth());
        assertEquals(List.of("xidfilter.sys+0x1913", "xidfilter.sys+0x105c", "FLTMGR.SYS+0x3f38",
                "ntoskrnl.exe+0x40bd3a"), a.recursionPattern());
    }

    @Test
    void windows7sParametersFindTheTrapFrameOnTheDoubleFaultStackByItsRip() throws Exception {
        KernelDumpBuilder k = OverflowScenario.kernelDump()
                .bugcheck(0x7F, 8, 0x80050033L, 0x406f8L, OverflowScenario.RIP);

        CrashAnalysis a = analyze(k.build());

        assertTrue(a.reentry(), a.notes().toString());
        assertEquals("the double-fault stack", a.overflow().orElseThrow().trapFrame().foundBy());
        assertEquals(OverflowScenario.TRAP_FRAME, a.overflow().orElseThrow().trapFrame().address());
    }

    @Test
    void withoutTheThreadStacksPagesTheDumpSaysSo() throws Exception {
        KernelDumpBuilder k = OverflowScenario.kernelDump();
        for (long va = OverflowScenario.STACK_LIMIT; va < OverflowScenario.STACK_BASE; va += 0x1000) {
            k.omit(k.pfnOf(va));
        }

        CrashAnalysis a = analyze(k.build());

        OverflowScenario.assertOverflowedStackMissing(a);
    }

    @Test
    void aMinidumpWhoseCapturedMemoryHoldsTheThreadStackIsAttributedThroughTheTrapFrame() throws Exception {
        byte[] thread = OverflowScenario.threadStack();
        CrashAnalysis a = CrashAnalyzer.analyze(DumpReader.read(minidump()
                .dataBlock(OverflowScenario.STACK_LIMIT, java.util.Arrays.copyOf(thread, 0x4000)).build(),
                Path.of("m.dmp")), "xidfilter.sys");

        assertTrue(a.reentry(), a.notes().toString());
        OverflowedStack o = a.overflow().orElseThrow();
        assertFalse(o.baseFound());
        assertEquals(OverflowScenario.STACK_LIMIT + 0x4000, o.stackTop());
        assertTrue(a.recursionDepth() >= 3, "depth " + a.recursionDepth());
    }

    @Test
    void aMinidumpWithoutTheThreadStackSaysToConfigureKernelDumps() throws Exception {
        CrashAnalysis a = CrashAnalyzer.analyze(DumpReader.read(minidump().build(), Path.of("m.dmp")),
                "xidfilter.sys");

        assertFalse(a.reentry());
        assertTrue(a.notes().stream().anyMatch(n -> n.startsWith("the overflowed stack is not in this minidump")
                && n.contains("configure kernel memory dumps")), a.notes().toString());
    }

    /** A 0x7F/8 minidump whose captured stack is the double-fault stack, from KeBugCheckEx's RSP up. */
    private static DumpBuilder minidump() {
        byte[] page = OverflowScenario.doubleFaultStackPage();
        ByteBuffer b = ByteBuffer.wrap(page).order(ByteOrder.LITTLE_ENDIAN);
        int from = (int) (OverflowScenario.CONTEXT_RSP - OverflowScenario.IST_PAGE);
        long[] values = new long[(0x1000 - from) / 8];
        for (int i = 0; i < values.length; i++) {
            values[i] = b.getLong(from + 8 * i);
        }
        DumpBuilder d = new DumpBuilder()
                .bugcheck(0x1000007FL, 8, OverflowScenario.TRAP_FRAME, OverflowScenario.RSP, OverflowScenario.RIP)
                .topOfStack(OverflowScenario.CONTEXT_RSP).stack(values);
        for (DumpBuilder.Module m : OverflowScenario.modules()) {
            d.module(m.path(), m.base(), m.size());
        }
        return d;
    }
}
