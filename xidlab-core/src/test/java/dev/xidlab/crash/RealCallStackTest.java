package dev.xidlab.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.dump.DumpReader;
import dev.xidlab.dump.DumpReaderTest;
import dev.xidlab.dump.TriageData;
import dev.xidlab.symbols.SymbolPath;
import dev.xidlab.symbols.SymbolStore;
import dev.xidlab.unwind.CallStack;
import dev.xidlab.unwind.Frame;
import dev.xidlab.unwind.FrameSource;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The real x64 triage dump (0x1000007E, an access violation in amdppm.sys while its device started) with the
 * symbol store that holds amdppm.sys, its PDB and Wdf01000.sys, but not ntoskrnl.exe or ACPI.sys.
 *
 * <p>What the call stack at the fault is, and why it differs from the scan that came before it: the scan took
 * every value on the captured stack that points into a module (141 of them). Of those,
 * <ul>
 * <li>78 lie below the fault's stack pointer (0xffff850429892120): they belong to the exception dispatch that ran
 *     after the fault, on top of dead frames, down to KeBugCheckEx at TopOfStack. All three ACPI.sys entries are
 *     there: ACPI.sys is not on the call stack at all;</li>
 * <li>16 are the return addresses the unwinder finds, one per frame from amdppm's WriteGenAddrEx to the ntoskrnl
 *     frame that called into Wdf01000 (the 17th frame is the context's own RIP, which is not on the stack);</li>
 * <li>18 lie inside those frames but are not return addresses: locals and spilled pointers, such as
 *     amdppm.sys+0x22e2c in WriteIoMemRawEx's frame, pointers into amdppm's .rdata and .pdata, and stale Wdf01000
 *     and ntoskrnl values;</li>
 * <li>29 lie above the last unwound frame, in ntoskrnl's frames, which cannot be unwound without ntoskrnl's image:
 *     they stay, marked as scanned.</li>
 * </ul>
 */
class RealCallStackTest {

    static final Path STORE = Path.of(System.getProperty("xidlab.projectDir", "."), "fixtures/symbols");
    static final long FAULT_RSP = 0xffff850429892120L;

    static CrashAnalysis analyze(SymbolStore store) throws Exception {
        return CrashAnalyzer.analyze(DumpReaderTest.FIXTURE, "xidfilter.sys", store);
    }

    static SymbolStore fixtureStore() {
        return new SymbolStore(SymbolPath.parse(STORE.toString(), STORE), w -> {
            throw new AssertionError("unexpected warning: " + w);
        });
    }

    private static List<String> chain(CallStack stack) {
        return stack.frames().stream().filter(f -> f.source() != FrameSource.SCANNED).map(Frame::describe).toList();
    }

    @Test
    void theStackAtTheFaultStartsFromTheContextRecordInParameterFour() throws Exception {
        CallStack fault = analyze(fixtureStore()).stacks().get(0);

        assertTrue(fault.origin().startsWith("at the fault (context record at 0xffff850429891720, parameter 4"),
                fault.origin());
        Frame first = fault.frames().get(0);
        assertEquals(FrameSource.CONTEXT, first.source());
        assertEquals(0xfffff8048b58334cL, first.ip());
        assertEquals(FAULT_RSP, first.sp());
    }

    @Test
    void amdppmAndWdf01000FramesAreUnwoundFromTheirImagesAndNamedFromAmdppmsPdb() throws Exception {
        CallStack fault = analyze(fixtureStore()).stacks().get(0);

        assertEquals(List.of(
                "amdppm!WriteIoMemRawEx+0x70",
                "amdppm!WriteGenAddrEx+0x6b",
                "amdppm!WriteGenAddrMaybeHiddenEx+0x18",
                "amdppm!InitAcpiCpc+0x317",
                "amdppm!ProcLibDeviceStart+0x886",
                "amdppm!EvtDevicePrepareHardware+0xd2",
                // Wdf01000's PDB is not in the store: module+offset.
                "Wdf01000.sys+0x7c027",
                "Wdf01000.sys+0x16f81",
                "Wdf01000.sys+0x7b227",
                "Wdf01000.sys+0x79e21",
                "Wdf01000.sys+0x799da",
                "Wdf01000.sys+0x7b6b1",
                "Wdf01000.sys+0x7b47a",
                "Wdf01000.sys+0x8299e",
                "Wdf01000.sys+0xcc5f",
                "Wdf01000.sys+0xa866",
                // Unwound from Wdf01000's frame; ntoskrnl's own frame cannot be unwound without its image.
                "ntoskrnl.exe+0x252f55"), chain(fault));
        assertTrue(fault.notes().get(0).startsWith("the chain stops at ntoskrnl.exe+0x252f55: no image of"
                + " ntoskrnl.exe"), fault.notes().toString());
    }

    @Test
    void everyUnwoundFrameMovesUpTheStack() throws Exception {
        List<Frame> frames = analyze(fixtureStore()).stacks().get(0).frames();

        for (int i = 1; i < frames.size(); i++) {
            assertTrue(Long.compareUnsigned(frames.get(i).sp(), frames.get(i - 1).sp()) > 0, "frame " + i);
        }
    }

    @Test
    void whereUnwindingStopsTheRestOfTheStackIsScannedAndSaysSo() throws Exception {
        CallStack fault = analyze(fixtureStore()).stacks().get(0);

        List<Frame> rest = fault.frames().subList(17, fault.frames().size());
        assertEquals(29, rest.size());
        assertTrue(rest.stream().allMatch(f -> f.source() == FrameSource.SCANNED));
        assertTrue(rest.stream().allMatch(f -> f.module().orElseThrow().equals("ntoskrnl.exe")));
    }

    @Test
    void theScanBeforeUnwindingSplitsIntoDispatchFramesReturnAddressesLocalsAndTheUnwalkedTop() throws Exception {
        CrashAnalysis a = analyze(fixtureStore());
        TriageData t = DumpReader.read(DumpReaderTest.FIXTURE).triage().orElseThrow();
        CallStack fault = a.stacks().get(0);
        Set<Long> returnSlots = new HashSet<>();
        long top = 0;
        for (Frame f : fault.frames().subList(1, 17)) {
            returnSlots.add(f.sp() - 8);        // a return address sits just below its caller's stack pointer
            top = f.sp();
        }
        int below = 0;
        int onChain = 0;
        int locals = 0;
        int above = 0;
        List<String> acpi = new ArrayList<>();
        for (int i = 0; i < t.stack().size(); i++) {
            long at = t.topOfStack() + 8L * i;
            long value = t.stack().get(i);
            var module = CrashAnalyzer.locate(value, t.modules()).filter(m -> value - m.base() >= 0x1000);
            if (module.isEmpty()) {
                continue;
            }
            if (module.get().name().equals("ACPI.sys")) {
                acpi.add(Long.toHexString(at));
            }
            if (Long.compareUnsigned(at, FAULT_RSP) < 0) {
                below++;
            } else if (Long.compareUnsigned(at, top) >= 0) {
                above++;
            } else if (returnSlots.contains(at)) {
                onChain++;
            } else {
                locals++;
            }
        }

        assertEquals(141, a.stackSignature().size(), "the scan");
        assertEquals(List.of(78, 16, 18, 29), List.of(below, onChain, locals, above));
        assertEquals(List.of("ffff850429891118", "ffff8504298913b8", "ffff850429891828"), acpi,
                "ACPI.sys only below the fault's stack pointer");
    }

    @Test
    void aStaleAmdppmPointerInsideTheFaultingFrameIsNotAFrame() throws Exception {
        CallStack fault = analyze(fixtureStore()).stacks().get(0);

        // amdppm.sys+0x22e2c (RegisterSubspace+0x28) sits at 0xffff850429892128, inside WriteIoMemRawEx's frame.
        assertFalse(fault.frames().stream().anyMatch(f -> f.ip() == 0xfffff8048b5a2e2cL));
    }

    @Test
    void theStackAtKeBugCheckExStartsAtTheExceptionRecordsAddressAndStopsWithoutNtoskrnlsImage() throws Exception {
        CallStack bugcheck = analyze(fixtureStore()).stacks().get(1);

        assertTrue(bugcheck.origin().startsWith("at KeBugCheckEx"), bugcheck.origin());
        assertEquals("ntoskrnl.exe+0x3f5a80", bugcheck.frames().get(0).describe());
        assertEquals(0xffff850429890ee8L, bugcheck.frames().get(0).sp(), "TopOfStack");
        assertEquals(1, bugcheck.chainLength());
        assertEquals("ntoskrnl.exe+0x40f4e1", bugcheck.frames().get(1).describe(), "its return address, scanned");
    }

    @Test
    void withoutSymbolsTheChainStopsAtTheFirstFrameAndTheNotesNameTheMissingImages() throws Exception {
        CrashAnalysis a = analyze(SymbolStore.none());

        CallStack fault = a.stacks().get(0);
        assertEquals(1, fault.chainLength());
        assertEquals("amdppm.sys+0x334c", fault.frames().get(0).describe());
        assertTrue(fault.notes().get(0).contains("no image of amdppm.sys"), fault.notes().toString());
        assertEquals(List.of("no image of ACPI.sys, amdppm.sys, ntoskrnl.exe, Wdf01000.sys: no symbol path was given"
                + " (--symbols or _NT_SYMBOL_PATH)"), a.notes());
    }

    @Test
    void theCrashIsStillAttributedToAmdppm() throws Exception {
        assertEquals(java.util.Optional.of("amdppm.sys"), analyze(fixtureStore()).crashModule());
    }
}
