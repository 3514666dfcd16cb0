package dev.xidlab.lab.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** A failed run's evidence files, from a real console file and a real SSH server's commands. */
class RunEvidenceTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final SshGuestExtension ssh = SshGuestExtension.guestRoot();

    @Test
    void theTraceAndConsoleKeptAreThisRunsOnly() throws Exception {
        Path console = Files.writeString(dir.resolve("console.log"), "[    1.0] booted\n");
        LabTrace trace = new LabTrace(false, System.err);
        RunEvidence evidence = new RunEvidence(trace, console);
        trace.step("the previous run's step");

        evidence.runBegins();
        trace.step("connecting over SSH");
        Files.writeString(console, "[   31.2] Kernel panic - not syncing: xidlab: bugcheck 0x1000007F\n",
                java.nio.file.StandardOpenOption.APPEND);
        evidence.keep(dir.resolve("run-1"), Optional.empty(), new StandInGuest(), "state: running");

        List<String> kept = Files.readAllLines(dir.resolve("run-1/lab-trace.log"));
        assertEquals(1, kept.size());
        assertTrue(kept.get(0).endsWith("] connecting over SSH"), kept.get(0));
        assertEquals("[   31.2] Kernel panic - not syncing: xidlab: bugcheck 0x1000007F\n",
                Files.readString(dir.resolve("run-1/console.log")));
        assertEquals("state: running\n", Files.readString(dir.resolve("run-1/lab-view.txt")));
    }

    @Test
    void aGuestTheLabNeverReachedIsSaidInsteadOfItsLog() throws Exception {
        new RunEvidence(new LabTrace(false, System.err), dir.resolve("none.log"))
                .keep(dir.resolve("run-1"), Optional.empty(), new StandInGuest(), "");

        assertEquals("(the lab never reached the guest's shell)\n", Files.readString(dir.resolve("run-1/guest-log.txt")));
        assertTrue(Files.readString(dir.resolve("run-1/console.log")).startsWith("(no console log at "));
    }

    @Test
    void theGuestsLogIsWhatItsScriptPrintsAndHowItEnded() throws Exception {
        new RunEvidence(new LabTrace(false, System.err), dir.resolve("none.log"))
                .keep(dir.resolve("run-1"), Optional.of(ssh.shell()), new StandInGuest(), "");

        String log = Files.readString(dir.resolve("run-1/guest-log.txt"));
        assertTrue(log.contains("--- the boot before this one (journalctl -b -1)"), log);
        assertTrue(log.contains("--- this boot (journalctl -b)"), log);
    }

    @Test
    void theTraceEchoesOnStderrOnlyWhenAsked() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        new LabTrace(true, new PrintStream(err, true)).step("vagrant up");
        new LabTrace(false, new PrintStream(err, true)).step("quiet");

        assertTrue(err.toString().matches("xidlab: \\[ +\\d+\\.\\d s\\] vagrant up\\R"), err.toString());
    }
}
