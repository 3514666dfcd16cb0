package dev.xidlab.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xidlab.device.Device;
import dev.xidlab.device.KernelModel;
import dev.xidlab.dump.Bugcheck;
import dev.xidlab.dump.DumpBuilder;
import dev.xidlab.dump.DumpReader;
import dev.xidlab.dump.DumpReaderTest;
import dev.xidlab.lab.RunOutcome;
import dev.xidlab.lab.sim.SimLab;
import dev.xidlab.protocol.ApplyMode;
import dev.xidlab.protocol.DriverConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrashAnalyzerTest {

    static final long NT = 0xfffff8047ba00000L;
    static final long FLTMGR = 0xfffff80477e00000L;
    static final long FILTER = 0xfffff8047a3c0000L;

    @TempDir
    Path dir;

    @Test
    void theRealDumpsParameterTwoFallsInAmdppm() throws Exception {
        CrashAnalysis a = CrashAnalyzer.analyze(DumpReaderTest.FIXTURE, "xidfilter.sys");

        assertEquals(Optional.of("amdppm.sys"), a.crashModule());
        assertEquals("amdppm.sys+0x334c", a.stackSignature().get(1), "the faulting address is on the stack");
    }

    @Test
    void theRealDumpsStackIsNtoskrnlAmdppmWdfAndAcpi() throws Exception {
        List<String> stack = CrashAnalyzer.analyze(DumpReaderTest.FIXTURE, "xidfilter.sys").stackSignature();

        assertEquals("ntoskrnl.exe+0x40f4e1", stack.get(0));
        assertEquals(List.of("ACPI.sys", "Wdf01000.sys", "amdppm.sys", "ntoskrnl.exe"),
                stack.stream().map(f -> f.substring(0, f.indexOf('+'))).distinct().sorted().toList());
    }

    @Test
    void theRealDumpIsNotTheReentryCrash() throws Exception {
        CrashAnalysis a = CrashAnalyzer.analyze(DumpReaderTest.FIXTURE, "xidfilter.sys");

        assertFalse(a.reentry());
        assertEquals(0, a.recursionDepth(), "stale pointers repeated on a stack are not a recursion");
        assertEquals("SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M", a.bugcheck().name());
    }

    @Test
    void theKernelModelsDumpIsReadAsTheReentryCrash() throws Exception {
        assumeTrue(KernelModel.unavailableReason().isEmpty(), () -> KernelModel.unavailableReason().get());
        Path dump;
        try (SimLab lab = new SimLab()) {
            lab.boot();
            try (Device device = lab.deployDriver()) {
                device.setConfig(DriverConfig.fieldDefault(), ApplyMode.NEXT_LOAD);
            }
            RunOutcome.Bugchecked crash = (RunOutcome.Bugchecked) lab.stress(SimLab.defaultProfile(), 1, dir);
            dump = crash.dump().orElseThrow();
        }

        CrashAnalysis a = CrashAnalyzer.analyze(dump, "xidfilter.sys");

        assertTrue(a.reentry());
        assertEquals(0x1000007FL, a.bugcheck().code());
        assertEquals(Optional.of("xidfilter.sys"), a.crashModule());
        assertTrue(a.recursionDepth() >= 5, "depth " + a.recursionDepth());
        assertTrue(a.recursionFrame().orElseThrow().startsWith("xidfilter.sys+0x"));
    }

    private static long[] recursion(int levels) {
        long[] stack = new long[levels * 4];
        for (int i = 0; i < levels; i++) {
            stack[4 * i] = NT + 0x40b900 + 0x43a;          // the page-fault trap
            stack[4 * i + 1] = FILTER + 0x1913;             // the filter's lookup call
            stack[4 * i + 2] = FILTER + 0x105c;             // its callback
            stack[4 * i + 3] = FLTMGR + 0x3f38;             // the pre-callback worker
        }
        return stack;
    }

    private DumpBuilder threeModules() {
        return new DumpBuilder()
                .module("\\SystemRoot\\system32\\ntoskrnl.exe", NT, 0x1046000)
                .module("\\SystemRoot\\System32\\drivers\\FLTMGR.SYS", FLTMGR, 0x74000)
                .module("\\SystemRoot\\System32\\drivers\\xidfilter.sys", FILTER, 0x9000);
    }

    @Test
    void aDoubleFaultWithTheFiltersFramesRepeatingIsTheReentryCrash() throws Exception {
        byte[] dump = threeModules().bugcheck(0x1000007FL, 8, 0, 0, 0).stack(recursion(6)).build();

        CrashAnalysis a = CrashAnalyzer.analyze(DumpReader.read(dump, Path.of("d.dmp")), "XIDFILTER.SYS");

        assertTrue(a.reentry());
        assertEquals(6, a.recursionDepth());
    }

    @Test
    void theSameRecursionWithoutADoubleFaultIsNotTheReentryCrash() throws Exception {
        byte[] dump = threeModules().bugcheck(0x7EL, 0xC0000005L, FILTER + 0x1913, 0, 0).stack(recursion(6)).build();

        CrashAnalysis a = CrashAnalyzer.analyze(DumpReader.read(dump, Path.of("d.dmp")), "xidfilter.sys");

        assertFalse(a.reentry());
        assertEquals(Optional.of("xidfilter.sys"), a.crashModule());
    }

    @Test
    void aDoubleFaultWhoseRecursionIsAnotherModulesIsNotThisFiltersReentry() throws Exception {
        byte[] dump = threeModules().bugcheck(0x7FL, 8, 0, 0, 0).stack(recursion(6)).build();

        CrashAnalysis a = CrashAnalyzer.analyze(DumpReader.read(dump, Path.of("d.dmp")), "otherav.sys");

        assertFalse(a.reentry());
        assertEquals(Optional.of("xidfilter.sys"), a.crashModule(), "the recursing module is still named");
    }

    @Test
    void aFrameSeenTwiceIsNotARecursion() throws Exception {
        byte[] dump = threeModules().bugcheck(0x7FL, 8, 0, 0, 0).stack(recursion(2)).build();

        assertEquals(0, CrashAnalyzer.analyze(DumpReader.read(dump, Path.of("d.dmp")), "xidfilter.sys")
                .recursionDepth());
    }

    @Test
    void bugcheckNamesCarryTheMFormAndTheTrapMeaning() {
        Bugcheck b = new Bugcheck(0x1000007FL, List.of(8L, 0L, 0L, 0L));

        assertEquals("UNEXPECTED_KERNEL_MODE_TRAP_M", b.name());
        assertEquals("trap 8: double fault (the kernel stack ran out)", b.parameterMeaning());
        assertTrue(b.isDoubleFault());
        assertEquals("UNEXPECTED_KERNEL_MODE_TRAP", new Bugcheck(0x7F, List.of(8L, 0L, 0L, 0L)).name());
        assertEquals("UNKNOWN_BUGCHECK", new Bugcheck(0x4242, List.of(0L, 0L, 0L, 0L)).name());
    }
}
