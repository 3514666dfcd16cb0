package dev.xidlab.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xidlab.device.Device;
import dev.xidlab.device.KernelModel;
import dev.xidlab.device.ModelOptions;
import dev.xidlab.lab.RunOutcome;
import dev.xidlab.lab.SimLab;
import dev.xidlab.protocol.ApplyMode;
import dev.xidlab.protocol.DriverConfig;
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

    @TempDir
    static Path evidence;

    static Path minidump;
    static Path kernelDump;

    @BeforeAll
    static void crashTheBaseline() {
        assumeTrue(KernelModel.unavailableReason().isEmpty(), () -> KernelModel.unavailableReason().get());
        try (SimLab lab = new SimLab(ModelOptions.DEFAULTS.withDump(ModelOptions.Dump.KERNEL))) {
            lab.boot();
            try (Device device = lab.deployDriver()) {
                device.setConfig(DriverConfig.fieldDefault(), ApplyMode.NEXT_LOAD);
                device.reload();
            }
            RunOutcome.Bugchecked crash = assertInstanceOf(RunOutcome.Bugchecked.class,
                    lab.stress(SimLab.defaultProfile(), 1, evidence));
            minidump = crash.evidence().stream().filter(p -> p.toString().endsWith(".dmp")).findFirst().orElseThrow();
            kernelDump = crash.evidence().stream().filter(p -> p.toString().endsWith(".DMP")).findFirst().orElseThrow();
            assertEquals(kernelDump, crash.dump().orElseThrow(), "the run is judged by the kernel dump");
        }
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
        assertTrue(o.intoGuardPage() > 0, "the RSP went into the guard page");
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
        assertEquals(List.of(), a.notes().stream().filter(n -> !n.startsWith("no image of")).toList(),
                "nothing missing but the images a symbol path would give");
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
        for (long va = (rsp | 0xFFF) + 1; m.present(va); va += 0x1000) {
            stackPages.add(m.translate(va) >>> 12);
        }

        CrashAnalysis a = CrashAnalyzer.analyze(DumpReader.read(BitmapDumpSurgery.withoutPages(bytes, stackPages),
                Path.of("MEMORY.DMP")), "xidfilter.sys");

        assertEquals(6, stackPages.size());
        assertFalse(a.reentry());
        assertTrue(a.overflow().isEmpty());
        assertTrue(a.notes().stream().anyMatch(n -> n.startsWith("the overflowed stack is not in this dump")),
                a.notes().toString());
    }
}
