package dev.xidlab.lab.vm;

import static dev.xidlab.lab.vm.ScriptedWindowsShell.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.crash.BugcheckEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The evidence of a crashed guest, waited for and fetched against a Windows guest's answers (scripted: there is no
 * Windows here). Windows answers SSH before it has copied the dump out of the pagefile and logged event 1001, so
 * the wait ({@link EvidenceWait}) runs until the dump CrashControl asks for is there and holds still; new means not
 * in the listing taken before the run, by name and stamp, never by comparing a time with the host's. A kernel dump
 * that comes after the wait goes to its own run, by its crash time against the guest's clock at that run's end.
 */
class EvidenceTest {

    private static final Path DUMP = Path.of("fixtures/dumps/triage_x64.dmp");
    private static final Path EVENTS = Path.of("fixtures/eventlogs/system-bugchecks.xml");
    private static final String MINI = "C:/Windows/Minidump/";
    private static final RunMark MARK = new RunMark("run-1", "2200");

    @TempDir
    Path dir;

    /** A clock the pauses move, so a bounded wait ends without waiting. */
    private final Instant[] now = {Instant.parse("2026-11-25T12:00:00Z")};

    private Evidence evidence(ScriptedWindowsShell shell) {
        Clock clock = new Clock() {
            @Override
            public java.time.ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(java.time.ZoneId zone) {
                return this;
            }

            @Override
            public Instant instant() {
                return now[0];
            }
        };
        return new Evidence(() -> shell, new WindowsGuest(), Duration.ofMinutes(10), Duration.ofSeconds(5),
                d -> now[0] = now[0].plus(d), clock, ledger, new LabTrace());
    }

    /** The runs of one lab share it: a late dump is found by the next listing. */
    private final Evidence.Ledger ledger = new Evidence.Ledger();

    private static String listing(String... lines) {
        return String.join("\n", lines) + "\n";
    }

    @Test
    void aDumpStillBeingCopiedOutOfThePagefileIsFetchedOnlyOnceItsSizeHoldsStill() throws Exception {
        ScriptedWindowsShell shell = new ScriptedWindowsShell()
                .answer("MinidumpDir", ok(""), ok(listing(MINI + "112526-01.dmp\t4096\t1\tmini")),
                        ok(listing(MINI + "112526-01.dmp\t1400000\t2\tmini")),
                        ok(listing(MINI + "112526-01.dmp\t1400000\t2\tmini")))
                .file(MINI + "112526-01.dmp", DUMP);
        Evidence evidence = evidence(shell);
        List<GuestDump> before = evidence.listing();

        Evidence.Found found = evidence.collect(before, MARK, dir);

        assertEquals(List.of(dir.resolve("112526-01.dmp")), found.files());
        assertEquals(0x1000007EL, found.dumps().get(0).dump().header().bugcheck().code());
        assertEquals(Duration.ofSeconds(10), Duration.between(Instant.parse("2026-11-25T12:00:00Z"), now[0]));
    }

    @Test
    void aDumpListedBeforeTheRunIsNotThisRunsEvenWhenItIsOlderOrNewerByTheClock() {
        GuestDump old = new GuestDump("112426-01.dmp", MINI + "112426-01.dmp", 1400000, "638680000000000000", false);

        assertEquals(List.of(), Evidence.fresh(List.of(old), List.of(old)));
    }

    @Test
    void aKernelDumpRewrittenUnderTheSameNameIsNew() {
        GuestDump before = new GuestDump("MEMORY.DMP", "C:/Windows/MEMORY.DMP", 900000000, "100", true);
        GuestDump after = new GuestDump("MEMORY.DMP", "C:/Windows/MEMORY.DMP", 900000000, "200", true);

        assertEquals(List.of(after), Evidence.fresh(List.of(before), List.of(after)));
    }

    @Test
    void anEvent1001NamingADumpNotYetListedMakesTheRuleWaitForThatDump() throws Exception {
        String events = Files.readString(EVENTS);
        ScriptedWindowsShell shell = new ScriptedWindowsShell()
                .answer("MinidumpDir", ok(""), ok(""), ok(listing(MINI + "112426-01.dmp\t1400000\t2\tmini")),
                        ok(listing(MINI + "112426-01.dmp\t1400000\t2\tmini")))
                .answer("wevtutil", ok(events))
                .file(MINI + "112426-01.dmp", DUMP);
        Evidence evidence = evidence(shell);

        Evidence.Found found = evidence.collect(evidence.listing(), MARK, dir);

        assertEquals(List.of(dir.resolve("112426-01.dmp"), dir.resolve("system-events.xml")), found.files());
        assertTrue(found.events().stream().anyMatch(e -> e instanceof BugcheckEvent.WerBugcheck w
                && w.dumpFileName().equals(java.util.Optional.of("112426-01.dmp"))), found.events().toString());
    }

    @Test
    void theEventsAreAskedForAfterTheRunsCursorByRecordIdNotByTime() throws Exception {
        ScriptedWindowsShell shell = new ScriptedWindowsShell()
                .answer("MinidumpDir", ok(listing(MINI + "112526-01.dmp\t1400000\t2\tmini")))
                .file(MINI + "112526-01.dmp", DUMP);
        Evidence evidence = evidence(shell);

        evidence.collect(List.of(), MARK, dir);

        assertTrue(shell.scripts.stream().anyMatch(s -> s.contains("EventRecordID > 2200")), shell.scripts.toString());
        assertTrue(shell.scripts.stream().noneMatch(s -> s.contains("TimeCreated")), shell.scripts.toString());
    }

    @Test
    void aRebootThatLeftNothingWithinTheBoundIsSaidSo() {
        ScriptedWindowsShell shell = new ScriptedWindowsShell().answer("MinidumpDir", ok(""));

        Evidence.Found found = evidence(shell).collect(List.of(), MARK, dir);

        assertEquals(List.of(), found.files());
        assertEquals(List.of("dump not written in 600 s"), found.notes());
    }

    @Test
    void evidenceAlreadyInTheDirectoryIsNeverOverwritten() throws Exception {
        Files.writeString(dir.resolve("112526-01.dmp"), "an earlier run's dump");
        ScriptedWindowsShell shell = new ScriptedWindowsShell()
                .answer("MinidumpDir", ok(listing(MINI + "112526-01.dmp\t1400000\t2\tmini")))
                .file(MINI + "112526-01.dmp", DUMP);

        Evidence.Found found = evidence(shell).collect(List.of(), MARK, dir);

        assertEquals(List.of(dir.resolve("112526-01-2.dmp")), found.files());
        assertEquals("an earlier run's dump", Files.readString(dir.resolve("112526-01.dmp")));
    }

    private static final String KERNEL_DUMPS_ASKED = "CrashDumpEnabled\t2";
    private static final String MEMORY = "C:/Windows/MEMORY.DMP";
    private static final String MEMORY_LISTED = MEMORY + "\t1444532\t1\tkernel";
    private static final RunMark RUN_2 = new RunMark("run-2", "2400");
    /** The guest {@link #kernelDumpNotYetWritten} made last: a test lists the late dump in it. */
    private ScriptedWindowsShell lastShell;

    /** Each run's evidence directory. */
    private Path run1;
    private Path run2;

    @org.junit.jupiter.api.BeforeEach
    void runDirectories() {
        run1 = dir.resolve("run-1");
        run2 = dir.resolve("run-2");
    }
    private static final Path BUGCHECK_41_1001 = Path.of("fixtures/eventlogs/system-bugcheck-memory-dmp.xml");

    /** Event 41 alone, as the log is before WER has reported the fault. */
    private static String kernelPowerOnly() throws Exception {
        return Files.readString(BUGCHECK_41_1001).lines().filter(l -> l.contains("<EventID>41<")).findFirst()
                .orElseThrow();
    }

    @Test
    void withAKernelDumpAskedForEvent41BeforeTheDumpDoesNotEndTheWaitTheKernelDumpIsFetched() throws Exception {
        ScriptedWindowsShell shell = new ScriptedWindowsShell()
                .answer("MinidumpDir", ok(listing(KERNEL_DUMPS_ASKED)), ok(listing(KERNEL_DUMPS_ASKED)),
                        ok(listing(KERNEL_DUMPS_ASKED, MEMORY + "\t1444532\t1\tkernel")),
                        ok(listing(KERNEL_DUMPS_ASKED, MEMORY + "\t1444532\t1\tkernel")))
                .answer("wevtutil", ok(kernelPowerOnly()))
                .file(MEMORY, DUMP);
        Evidence evidence = evidence(shell);

        Evidence.Found found = evidence.collect(evidence.listing(), MARK, dir);

        assertEquals(EvidenceWait.Ending.DUMP_WRITTEN, found.ending());
        assertEquals(List.of(dir.resolve("MEMORY.DMP"), dir.resolve("system-events.xml")), found.files());
        assertEquals(List.of(), found.notes());
    }

    /**
     * A guest that asks for a kernel dump and has only logged event 41 when the wait ends, whose clock then says
     * {@code guestClock}; MEMORY.DMP (the real dump's bytes, crashed at 2021-02-21T01:38:22Z) is listed when a test
     * says so.
     */
    private ScriptedWindowsShell kernelDumpNotYetWritten(String guestClock) throws Exception {
        return lastShell = new ScriptedWindowsShell()
                .answer("MinidumpDir", ok(listing(KERNEL_DUMPS_ASKED)))
                .answer("wevtutil", ok(kernelPowerOnly()))
                .answer("UtcNow", ok(guestClock))
                .file(MEMORY, DUMP);
    }

    @Test
    void aKernelDumpWrittenAfterTheWaitIsFetchedIntoItsOwnRunAtTheNextListingNeverIntoTheNextRun() throws Exception {
        ScriptedWindowsShell shell = kernelDumpNotYetWritten("2021-02-21T01:45:00.0000000Z\r\n");
        Evidence evidence = evidence(shell);
        Evidence.Found first = evidence.collect(evidence.listing(), MARK, run1);
        shell.answer("MinidumpDir", ok(listing(KERNEL_DUMPS_ASKED, MEMORY_LISTED)));

        List<GuestDump> beforeRun2 = evidence.listing();
        Evidence.Found second = evidence.collect(beforeRun2, RUN_2, run2);

        assertEquals(List.of("dump not written in 600 s"), first.notes());
        assertTrue(Files.isRegularFile(run1.resolve("MEMORY.DMP")), "the late dump is with its run");
        assertTrue(Files.readString(run1.resolve("late-evidence.txt")).contains("its crash time 2021-02-21T01:38:22"));
        assertEquals(List.of(MEMORY), beforeRun2.stream().map(GuestDump::guestPath).toList());
        assertTrue(second.kept().isEmpty(), "the next run never takes it: " + second.kept());
    }

    @Test
    void anEarlierRunsKernelDumpThatLandsDuringTheNextRunGoesToTheEarlierRun() throws Exception {
        Evidence evidence = evidence(kernelDumpNotYetWritten("2021-02-21T01:45:00.0000000Z"));
        evidence.collect(evidence.listing(), MARK, run1);
        List<GuestDump> beforeRun2 = evidence.listing();
        lastShell.answer("MinidumpDir", ok(listing(KERNEL_DUMPS_ASKED, MEMORY_LISTED)));

        Evidence.Found second = evidence.collect(beforeRun2, RUN_2, run2);

        assertTrue(Files.isRegularFile(run1.resolve("MEMORY.DMP")));
        assertTrue(second.dumps().isEmpty(), second.dumps().toString());
        assertTrue(second.notes().contains("MEMORY.DMP is an earlier run's crash (2021-02-21T01:38:22.987765700Z):"
                + " kept with that run"), second.notes().toString());
    }

    @Test
    void aDumpFromACrashAfterTheWaitEndedBelongsToNoRun() throws Exception {
        ScriptedWindowsShell shell = kernelDumpNotYetWritten("2021-02-21T01:30:00.0000000Z");
        Evidence evidence = evidence(shell);
        evidence.collect(evidence.listing(), MARK, run1);
        shell.answer("MinidumpDir", ok(listing(KERNEL_DUMPS_ASKED, MEMORY_LISTED)));

        List<GuestDump> beforeRun2 = evidence.listing();

        assertFalse(Files.exists(run1.resolve("MEMORY.DMP")), "its crash time is after the run's wait ended");
        assertEquals(List.of(MEMORY), beforeRun2.stream().map(GuestDump::guestPath).toList());
    }

    @Test
    void aRestartWindowsServicingAskedForEndsTheWaitAtOnceAndIsSaidAsSuch() throws Exception {
        ScriptedWindowsShell shell = new ScriptedWindowsShell()
                .answer("MinidumpDir", ok(listing(KERNEL_DUMPS_ASKED)))
                .answer("wevtutil", ok(Files.readString(Path.of("fixtures/eventlogs/system-restart-windows-update.xml"))));

        Evidence.Found found = evidence(shell).collect(List.of(), MARK, dir);

        assertEquals(EvidenceWait.Ending.PLANNED_RESTART, found.ending());
        assertTrue(found.restart().orElseThrow().servicing());
        assertEquals(Instant.parse("2026-11-25T12:00:00Z"), now[0], "no waiting");
    }
}
