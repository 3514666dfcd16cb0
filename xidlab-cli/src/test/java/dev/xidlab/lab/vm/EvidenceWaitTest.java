package dev.xidlab.lab.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.crash.BugcheckEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The evidence wait over every order the documents allow Windows to produce its evidence in: Kernel-Power 41 is
 * logged in the kernel phase of the next boot, WER decides whether it keeps MEMORY.DMP later and then logs 1001
 * naming what it kept (or 1000/1006: nothing), the dump grows while Windows copies it out of the pagefile, and a
 * restart a process asked for (1074) is no crash at all. The events are System log exports read as the lab reads
 * them.
 */
class EvidenceWaitTest {

    private static final Instant ANSWERED = Instant.parse("2026-11-25T12:01:40Z");
    private static final Duration BOUND = Duration.ofMinutes(10);
    private static final Path LOGS = Path.of("fixtures/eventlogs");

    private static GuestEvents log(String file) throws Exception {
        return GuestEvents.read(Files.readString(LOGS.resolve(file)), file);
    }

    /** Event 41 alone: what the guest's log holds before WER has reported the fault. */
    private static GuestEvents kernelPowerOnly() throws Exception {
        return new GuestEvents(log("system-bugcheck-memory-dmp.xml").bugchecks().stream()
                .filter(e -> e instanceof BugcheckEvent.KernelPowerBugcheck).toList(), List.of(), List.of());
    }

    private static GuestDump memoryDmp(long size) {
        return new GuestDump("MEMORY.DMP", "C:/Windows/MEMORY.DMP", size, "6386800000" + size, true);
    }

    private static GuestDump minidump(long size) {
        return new GuestDump("112426-01.dmp", "C:/Windows/Minidump/112426-01.dmp", size, "6386800001" + size, false);
    }

    private static EvidenceWait.Step look(EvidenceWait wait, int seconds, GuestEvents events, GuestDump... fresh) {
        return wait.observe(new EvidenceWait.Look(ANSWERED.plusSeconds(seconds), List.of(fresh), events));
    }

    private static EvidenceWait kernelDumpAskedFor() {
        return new EvidenceWait(EvidenceWait.Expect.KERNEL_DUMP, ANSWERED, BOUND);
    }

    @Test
    void crashDumpEnabledOneTwoAndSevenAskForAKernelDumpThreeForAMinidumpZeroForNone() {
        assertEquals(List.of(EvidenceWait.Expect.KERNEL_DUMP, EvidenceWait.Expect.KERNEL_DUMP,
                        EvidenceWait.Expect.KERNEL_DUMP, EvidenceWait.Expect.MINIDUMP, EvidenceWait.Expect.NO_DUMP,
                        EvidenceWait.Expect.UNKNOWN),
                List.of(EvidenceWait.Expect.of(OptionalInt.of(1)), EvidenceWait.Expect.of(OptionalInt.of(2)),
                        EvidenceWait.Expect.of(OptionalInt.of(7)), EvidenceWait.Expect.of(OptionalInt.of(3)),
                        EvidenceWait.Expect.of(OptionalInt.of(0)), EvidenceWait.Expect.of(OptionalInt.empty())));
    }

    @Test
    void event41BeforeTheKernelDumpDoesNotEndTheWaitTheDumpHoldingStillDoes() throws Exception {
        EvidenceWait wait = kernelDumpAskedFor();
        GuestEvents kp41 = kernelPowerOnly();

        assertFalse(look(wait, 0, kp41).done());
        assertFalse(look(wait, 5, kp41, memoryDmp(900_000_000)).done());
        assertEquals(EvidenceWait.Ending.DUMP_WRITTEN, look(wait, 10, kp41, memoryDmp(900_000_000)).ending());
    }

    @Test
    void event41AloneNeverEndsTheWaitForAKernelDumpTheDeadlineDoesAndSaysTheDumpWasNotWritten() throws Exception {
        for (int setting : List.of(1, 2, 7)) {
            EvidenceWait wait = new EvidenceWait(EvidenceWait.Expect.of(OptionalInt.of(setting)), ANSWERED, BOUND);
            EvidenceWait.Step step;
            int seconds = 0;
            do {
                step = look(wait, seconds, kernelPowerOnly());
                seconds += 5;
            } while (!step.done());

            assertEquals(EvidenceWait.Ending.DEADLINE, step.ending(), "CrashDumpEnabled " + setting);
            assertEquals(605, seconds, "CrashDumpEnabled " + setting + ": ended at the deadline");
            assertEquals("dump not written in 600 s", step.note());
        }
    }

    @Test
    void event1001NamingMemoryDmpBeforeItIsListedWaitsUntilItIsThereAndHoldsStill() throws Exception {
        EvidenceWait wait = kernelDumpAskedFor();
        GuestEvents wer = log("system-bugcheck-memory-dmp.xml");

        assertEquals(List.of("C:/Windows/MEMORY.DMP"), wer.namedDumps());
        assertFalse(look(wait, 0, wer).done());
        assertFalse(look(wait, 5, wer, memoryDmp(4096)).done());
        assertFalse(look(wait, 10, wer, memoryDmp(900_000_000)).done());
        assertTrue(look(wait, 15, wer, memoryDmp(900_000_000)).done());
    }

    @Test
    void aGrowingDumpIsWaitedForUntilItsSizeIsTheSameOnTwoLooksInARow() throws Exception {
        EvidenceWait wait = kernelDumpAskedFor();
        List<Long> sizes = List.of(4096L, 100_000_000L, 500_000_000L, 900_000_000L);

        for (int i = 0; i < sizes.size(); i++) {
            assertFalse(look(wait, 5 * i, kernelPowerOnly(), memoryDmp(sizes.get(i))).done(), "look " + i);
        }
        assertEquals(EvidenceWait.Ending.DUMP_WRITTEN, look(wait, 20, kernelPowerOnly(), memoryDmp(900_000_000)).ending());
    }

    @Test
    void aMinidumpOfConstantSizeDoesNotEndTheWaitWhileTheKernelDumpIsStillToCome() throws Exception {
        EvidenceWait wait = kernelDumpAskedFor();

        for (int seconds = 0; seconds <= 60; seconds += 5) {
            assertFalse(look(wait, seconds, kernelPowerOnly(), minidump(1_400_000)).done(), seconds + " s");
        }
        assertFalse(look(wait, 65, kernelPowerOnly(), minidump(1_400_000), memoryDmp(900_000_000)).done());
        assertEquals(EvidenceWait.Ending.DUMP_WRITTEN,
                look(wait, 70, kernelPowerOnly(), minidump(1_400_000), memoryDmp(900_000_000)).ending());
    }

    @Test
    void aMinidumpThatEvent1001NamesEndsTheWaitItIsTheDumpWindowsKept() throws Exception {
        EvidenceWait wait = kernelDumpAskedFor();
        GuestEvents wer = log("system-bugchecks.xml");

        assertFalse(look(wait, 0, wer, minidump(1_400_000)).done());
        assertEquals(EvidenceWait.Ending.NAMED_DUMP_WRITTEN, look(wait, 5, wer, minidump(1_400_000)).ending());
    }

    @Test
    void werSayingItSavedNoFullDumpEndsTheWaitAndTheNotesSaySo() throws Exception {
        EvidenceWait wait = kernelDumpAskedFor();

        EvidenceWait.Step step = look(wait, 0, log("system-full-dump-not-saved.xml"));

        assertEquals(EvidenceWait.Ending.WINDOWS_KEPT_NONE, step.ending());
        assertEquals("Windows kept no kernel dump (event 1000: a full dump was not saved)", step.note());
    }

    @Test
    void aRestartWindowsServicingAskedForEndsTheWaitAtOnceAsPlanned() throws Exception {
        EvidenceWait wait = kernelDumpAskedFor();

        EvidenceWait.Step step = look(wait, 0, log("system-restart-windows-update.xml"));

        assertEquals(EvidenceWait.Ending.PLANNED_RESTART, step.ending());
        assertTrue(step.note().startsWith("Windows servicing (Windows Update) restarted the guest:"), step.note());
    }

    @Test
    void aRestartThatABugcheckFollowedIsACrashAndTheWaitGoesOn() throws Exception {
        EvidenceWait wait = kernelDumpAskedFor();
        GuestEvents restart = log("system-restart-windows-update.xml");
        GuestEvents both = new GuestEvents(kernelPowerOnly().bugchecks(), List.of(), restart.restarts());

        assertFalse(look(wait, 0, both).done());
    }

    @Test
    void withOnlyAMinidumpAskedForTheMinidumpHoldingStillIsTheEvidence() throws Exception {
        EvidenceWait wait = new EvidenceWait(EvidenceWait.Expect.MINIDUMP, ANSWERED, BOUND);

        assertFalse(look(wait, 0, kernelPowerOnly(), minidump(1_400_000)).done());
        assertEquals(EvidenceWait.Ending.DUMP_WRITTEN, look(wait, 5, kernelPowerOnly(), minidump(1_400_000)).ending());
    }

    @Test
    void withNoDumpAskedForTheBugcheckEventIsAllThereWillBe() throws Exception {
        EvidenceWait wait = new EvidenceWait(EvidenceWait.Expect.NO_DUMP, ANSWERED, BOUND);

        assertEquals(EvidenceWait.Ending.EVENT_ONLY, look(wait, 0, kernelPowerOnly()).ending());
    }

    @Test
    void aDumpStillGrowingAtTheDeadlineIsTakenAsItIsAndTheNotesSaySo() throws Exception {
        EvidenceWait wait = kernelDumpAskedFor();
        look(wait, 595, kernelPowerOnly(), memoryDmp(100_000_000));

        EvidenceWait.Step step = look(wait, 600, kernelPowerOnly(), memoryDmp(200_000_000));

        assertEquals(EvidenceWait.Ending.DEADLINE, step.ending());
        assertEquals("a new dump was still growing after 600 s: fetched as it was", step.note());
    }
}
