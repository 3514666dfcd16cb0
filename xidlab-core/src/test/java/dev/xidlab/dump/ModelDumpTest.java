package dev.xidlab.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xidlab.crash.CrashAnalysis;
import dev.xidlab.crash.CrashAnalyzer;
import dev.xidlab.crash.OverflowScenario;
import dev.xidlab.crash.OverflowedStack;
import dev.xidlab.device.KernelModel;
import dev.xidlab.lab.RunOutcome;
import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.testing.ModelCrash;
import dev.xidlab.unwind.CallStack;
import dev.xidlab.unwind.Frame;
import dev.xidlab.unwind.FrameSource;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dumps the kernel model writes for the baseline's crash, read by the collector that reads Windows' own: the
 * minidump, whose captured stack is the double-fault stack, and the kernel memory dump.
 */
class ModelDumpTest {

    /** FLTMGR.SYS's DllBase in the model. */
    static final long FLTMGR = 0xfffff80477e00000L;

    @TempDir
    static Path evidence;

    static Path minidump;
    static Path kernelDump;

    @BeforeAll
    static void crashTheBaseline() {
        assumeTrue(KernelModel.unavailableReason().isEmpty(), () -> KernelModel.unavailableReason().get());
        RunOutcome.Bugchecked crash = ModelCrash.withKernelDump(DriverConfig.fieldDefault(), evidence);
        minidump = crash.evidence().stream().filter(p -> p.toString().endsWith(".dmp")).findFirst().orElseThrow();
        kernelDump = crash.evidence().stream().filter(p -> p.toString().endsWith(".DMP")).findFirst().orElseThrow();
        assertEquals(kernelDump, crash.dump().orElseThrow(), "the run is judged by the kernel dump");
    }

    @Test
    void theMinidumpsCapturedStackIsTheDoubleFaultStack() throws Exception {
        CrashDump dump = DumpReader.read(minidump);
        TriageData t = dump.triage().orElseThrow();

        assertEquals(dump.header().bugcheck().parameter(2) - 0x148, t.stackPointer(),
                "KeBugCheckEx's RSP, below KiBugCheckDispatch's frame under the trap frame");
        assertTrue(t.stack().size() < 0x400 / 8, "a few hundred bytes of the double-fault stack, not the thread's");
        assertEquals("ntoskrnl.exe+0x3f5e40", t.modules().stream().filter(m -> m.contains(t.instructionPointer()))
                .findFirst().orElseThrow().locate(t.instructionPointer()), "KeBugCheckEx");
    }

    @Test
    void theMinidumpIsAttributedThroughTheTrapFrameOnItsDoubleFaultStack() throws Exception {
        CrashAnalysis a = CrashAnalyzer.analyze(minidump, "xidfilter.sys");

        assertTrue(a.reentry(), a.notes().toString());
        OverflowedStack o = a.overflow().orElseThrow();
        assertEquals("parameter 2", o.trapFrame().foundBy());
        assertEquals(a.bugcheck().parameter(2), o.trapFrame().address());
        assertEquals(a.bugcheck().parameter(3), o.trapFrame().rsp());
        assertEquals(a.bugcheck().parameter(4), o.trapFrame().rip());
        assertTrue(Long.compareUnsigned(o.trapFrame().rsp(), o.stackLimit()) <= 0, "the RSP at or below the limit");
        assertFalse(o.baseFound(), "a minidump holds 16 KiB of the stack, not its base");
        assertTrue(a.recursionDepth() >= 5, "depth " + a.recursionDepth());
    }

    @Test
    void theKernelDumpHoldsTheWholeOverflowedStackFromItsLimitToItsBase() throws Exception {
        CrashAnalysis a = CrashAnalyzer.analyze(kernelDump, "xidfilter.sys");

        assertTrue(a.reentry(), a.notes().toString());
        OverflowedStack o = a.overflow().orElseThrow();
        assertTrue(o.baseFound());
        assertEquals(0x6000, o.stackTop() - o.stackLimit(), "a 0x6000-byte kernel stack");
        assertEquals(o.stackTop() - o.trapFrame().rsp(), o.bytesUsed());
        assertEquals(11, a.recursionDepth());
        assertEquals("xidfilter.sys+0x1913", a.recursionPattern().get(0));
        assertEquals(List.of(), a.notes(), "every image on the stacks is in the dump");
    }

    @Test
    void theKernelDumpListsItsModulesFromPsLoadedModuleList() throws Exception {
        CrashAnalysis a = CrashAnalyzer.analyze(kernelDump, "xidfilter.sys");

        assertEquals(Set.of("ntoskrnl.exe", "hal.dll", "FLTMGR.SYS", "xidfilter.sys", "Ntfs.sys"),
                new HashSet<>(a.modules().stream().map(LoadedModule::name).toList()));
        LoadedModule filter = a.modules().stream().filter(m -> m.name().equals("xidfilter.sys")).findFirst()
                .orElseThrow();
        assertEquals(0x6560b2a1L, filter.timeDateStamp(), "read from the image's own PE header");
    }

    @Test
    void theKernelDumpCarriesEachModulesUnwindData() throws Exception {
        KernelMemory m = DumpReader.read(kernelDump).kernel().orElseThrow().memory().orElseThrow();
        long base = 0xfffff8047a3c0000L;                            // xidfilter.sys
        long pe = base + (m.u64(base + 0x3C) & 0xFFFFFFFFL);
        long exceptionDirectory = m.u64(pe + 24 + 112 + 8 * 3);
        long pdata = base + (exceptionDirectory & 0xFFFFFFFFL);
        int entries = (int) (exceptionDirectory >>> 32) / 12;
        byte[] first = new byte[12];
        m.read(pdata, first, 0, 12);
        ByteBuffer rf = ByteBuffer.wrap(first).order(ByteOrder.LITTLE_ENDIAN);

        assertTrue(entries >= 4, entries + " RUNTIME_FUNCTIONs");
        assertEquals(0x1010, rf.getInt(0), "XfPreOperation, the lowest function");
        byte[] unwind = new byte[8];
        m.read(base + rf.getInt(8), unwind, 0, 8);
        assertEquals(1, unwind[0] & 7, "UNWIND_INFO version 1");
        assertEquals(0x58, ((unwind[5] >> 4 & 0xF) * 8 + 8), "UWOP_ALLOC_SMALL of its 0x60-byte frame less the return");
    }

    @Test
    void withoutTheThreadStacksPagesTheKernelDumpSaysSoInsteadOfAGuess() throws Exception {
        byte[] bytes = Files.readAllBytes(kernelDump);
        CrashDump dump = DumpReader.read(bytes, Path.of("MEMORY.DMP"));
        KernelMemory m = dump.kernel().orElseThrow().memory().orElseThrow();
        long rsp = dump.header().bugcheck().parameter(3);
        Set<Long> stackPages = new HashSet<>();
        // From the page holding the faulting RSP, or the one above it when the RSP went into the guard page.
        for (long va = m.present(rsp) ? rsp & ~0xFFFL : (rsp | 0xFFF) + 1; m.present(va); va += 0x1000) {
            stackPages.add(m.translate(va) >>> 12);
        }

        CrashAnalysis a = CrashAnalyzer.analyze(DumpReader.read(BitmapDumpSurgery.withoutPages(bytes, stackPages),
                Path.of("MEMORY.DMP")), "xidfilter.sys");

        assertEquals(6, stackPages.size());
        OverflowScenario.assertOverflowedStackMissing(a);
    }

    @Test
    void theBaselinesStackFilledToItsLimitSoTheCallsPushFaultedAtTheCallerWithRspAtTheLimit() throws Exception {
        CrashAnalysis a = CrashAnalyzer.analyze(kernelDump, "xidfilter.sys");
        OverflowedStack o = a.overflow().orElseThrow();

        // Eleven levels of 0x860 bytes and the 0x4f0 below them fill the 0x6000-byte stack exactly: the next call
        // cannot push its return address, so the fault is at that call, 5 bytes before FltpDispatch's return.
        assertEquals(o.stackLimit(), o.trapFrame().rsp());
        assertEquals(0, o.intoGuardPage());
        assertEquals(0x6000, o.bytesUsed());
        assertEquals("FLTMGR.SYS+0x5f79", a.atFault().orElseThrow().frames().get(0).signature(),
                "the call before the return address FLTMGR.SYS+0x5f7e");
    }

    @Test
    void theKernelDumpsStackAtTheFaultUnwindsWithTheDumpsOwnPdataFromTheTrapFrameToTheThreadsFirstFrame()
            throws Exception {
        CrashAnalysis a = CrashAnalyzer.analyze(kernelDump, "xidfilter.sys");
        CallStack fault = a.atFault().orElseThrow();

        assertEquals("at the fault (trap frame at 0xfffff8047e6a9e50, found by parameter 2)", fault.origin());
        assertEquals(FrameSource.CONTEXT, fault.frames().get(0).source());
        assertWholeChain(a);
        assertEquals("ntoskrnl.exe+0x40e6b5", fault.frames().get(fault.frames().size() - 1).signature(),
                "KiSystemServiceCopyEnd, where the system call entered the kernel");
    }

    /**
     * The stack at the fault is unwound to the frame nothing called, and every return address on the overflowed
     * stack is a frame of the chain, in order: nothing stale, nothing skipped (the model's stack holds nothing
     * else inside a module).
     */
    private static void assertWholeChain(CrashAnalysis a) {
        CallStack fault = a.atFault().orElseThrow();
        assertEquals(List.of(), fault.notes());
        assertEquals(fault.frames().size(), fault.chainLength(), "no frame scanned");
        assertEquals(a.stackSignature(), fault.frames().stream().skip(1).map(Frame::signature).toList());
    }

    @Test
    void theKernelDumpsBugcheckStackUnwindsThroughKiDoubleFaultAbortsMachineFrameOntoTheExhaustedStack()
            throws Exception {
        CrashAnalysis a = CrashAnalyzer.analyze(kernelDump, "xidfilter.sys");
        CallStack fault = a.atFault().orElseThrow();
        CallStack bugcheck = a.stacks().get(1);

        assertEquals(List.of("ntoskrnl.exe+0x3f5e40", "ntoskrnl.exe+0x3d5929", "ntoskrnl.exe+0x3d0783"),
                bugcheck.frames().stream().limit(3).map(Frame::signature).toList(),
                "KeBugCheckEx, KiBugCheckDispatch, KiDoubleFaultAbort on the double-fault stack");
        assertEquals(fault.frames().stream().map(f -> f.signature() + " " + Long.toHexString(f.sp())).toList(),
                bugcheck.frames().stream().skip(3).map(f -> f.signature() + " " + Long.toHexString(f.sp())).toList(),
                "past the machine frame, the same frames at the same stack pointers as the walk from the trap frame");
        assertEquals(bugcheck.frames().size(), bugcheck.chainLength());
    }

    /** The baseline's kernel dump without the physical page behind {@code va}, analysed. */
    private static CrashAnalysis withoutThePageOf(long va) throws Exception {
        byte[] bytes = Files.readAllBytes(kernelDump);
        KernelMemory m = DumpReader.read(bytes, Path.of("MEMORY.DMP")).kernel().orElseThrow().memory().orElseThrow();
        return CrashAnalyzer.analyze(DumpReader.read(BitmapDumpSurgery.withoutPages(bytes,
                Set.of(m.translate(va) >>> 12)), Path.of("MEMORY.DMP")), "xidfilter.sys");
    }

    @Test
    void withoutAModulesPdataPageTheChainStopsThereSaysWhyAndTheRestIsScanned() throws Exception {
        KernelMemory m = DumpReader.read(kernelDump).kernel().orElseThrow().memory().orElseThrow();
        long pe = FLTMGR + (m.u64(FLTMGR + 0x3C) & 0xFFFFFFFFL);

        CrashAnalysis a = withoutThePageOf(FLTMGR + (m.u64(pe + 24 + 112 + 8 * 3) & 0xFFFFFFFFL));
        CallStack fault = a.atFault().orElseThrow();

        assertEquals(1, fault.chainLength());
        assertTrue(fault.notes().get(0).startsWith("the chain stops at FLTMGR.SYS+0x5f79: the function table entry at"
                + " +0x"), fault.notes().toString());
        assertEquals(FrameSource.SCANNED, fault.frames().get(1).source());
        assertEquals("ntoskrnl.exe+0x2e0f85", fault.frames().get(1).signature(), "IofCallDriver's return, scanned");
        assertTrue(a.reentry(), "the attribution reads the stack, not the chain");
    }

    @Test
    void withoutAModulesHeadersItsImageIsNotReadFromTheDumpAndTheNotesSaySo() throws Exception {
        CrashAnalysis a = withoutThePageOf(FLTMGR);

        assertTrue(a.notes().stream().anyMatch(n -> n.startsWith("FLTMGR.SYS: its image's headers are not in the"
                + " dump (0xFFFFF80477E00000: ")), a.notes().toString());
        assertTrue(a.notes().contains("no image of FLTMGR.SYS in the dump, and no symbol path was given (--symbols"
                + " or _NT_SYMBOL_PATH)"), a.notes().toString());
        assertTrue(a.atFault().orElseThrow().notes().get(0).contains("no image of FLTMGR.SYS"),
                a.atFault().orElseThrow().notes().toString());
    }

    @Test
    void aFaultInsideAPrologueLeavesRspInTheGuardPageAndTheCallsReturnAddressStillLinksTheChain(@TempDir Path dir)
            throws Exception {
        // The self-test's re-entry costs other frames than the lookup's, and its stack does not end at the limit.
        CrashAnalysis a = CrashAnalyzer.analyze(ModelCrash.withKernelDump(DriverConfig.fieldDefault().withSelfTest(true), dir).dump()
                .orElseThrow(), "xidfilter.sys");

        assertTrue(a.overflow().orElseThrow().intoGuardPage() > 0, "the RSP went into the guard page");
        assertWholeChain(a);
    }
}
