package dev.xidlab.lab.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A Windows guest's System log as the evidence wait reads it: User32's 1074 in its documented layout (param1 the
 * process and the computer, param3 the reason's title, param4 the reason code, param5 the kind, param7 the user),
 * and WER's word on the dump it kept or did not.
 */
class GuestEventsTest {

    private static final Path LOGS = Path.of("fixtures/eventlogs");

    private static GuestEvents log(String file) throws Exception {
        return GuestEvents.read(Files.readString(LOGS.resolve(file)), file);
    }

    @Test
    void aRestartByTrustedInstallerForAServicePackIsWindowsServicingWithItsReason() throws Exception {
        GuestEvents.Restart restart = log("system-restart-windows-update.xml").restarts().get(0);

        assertEquals(new GuestEvents.Restart(Instant.parse("2026-11-25T03:02:11.441Z"),
                "C:\\Windows\\servicing\\TrustedInstaller.exe", "Operating System: Service pack (Planned)", 0x80020010L,
                "restart", "NT AUTHORITY\\SYSTEM"), restart);
        assertTrue(restart.servicing());
        assertEquals("Windows servicing (Windows Update) restarted the guest: C:\\Windows\\servicing\\TrustedInstaller.exe"
                + " asked for a restart for 'Operating System: Service pack (Planned)' (reason code 0x80020010, event"
                + " 1074 at 2026-11-25T03:02:11.441Z)", restart.describe());
    }

    @Test
    void anOperatingSystemUpgradeReasonIsServicingWhicheverProcessAsked() {
        GuestEvents.Restart upgrade = new GuestEvents.Restart(Instant.EPOCH, "C:\\Windows\\System32\\svchost.exe",
                "Operating System: Upgrade (Planned)", 0x80020003L, "restart", "NT AUTHORITY\\SYSTEM");

        assertTrue(upgrade.servicing());
    }

    @Test
    void aRestartSomeoneAskedForWithoutAServicingReasonIsNotCalledWindowsUpdate() {
        GuestEvents.Restart byHand = new GuestEvents.Restart(Instant.EPOCH, "C:\\Windows\\System32\\shutdown.exe",
                "Other (Unplanned)", 0x0L, "restart", "XIDLAB-GUEST\\vagrant");

        assertFalse(byHand.servicing());
        assertTrue(byHand.describe().startsWith("a process restarted the guest: C:\\Windows\\System32\\shutdown.exe"),
                byHand.describe());
    }

    @Test
    void event1001NamesTheKernelDumpItKeptAndNoRestartOrRefusalIsRead() throws Exception {
        GuestEvents events = log("system-bugcheck-memory-dmp.xml");

        assertEquals(List.of("C:/Windows/MEMORY.DMP"), events.namedDumps());
        assertEquals(List.of(), events.dumpsNotSaved());
        assertEquals(List.of(), events.restarts());
        assertEquals(java.util.Optional.of(Instant.parse("2026-11-25T12:01:10Z")), events.earliestBugcheck());
    }

    @Test
    void aPowerLossEvent41IsNoBugcheck() throws Exception {
        GuestEvents events = log("system-bugchecks.xml");

        assertEquals(2, events.bugchecks().size(), "the 41 with BugcheckCode 0 is left out");
        assertTrue(events.bugcheckSeen());
    }
}
