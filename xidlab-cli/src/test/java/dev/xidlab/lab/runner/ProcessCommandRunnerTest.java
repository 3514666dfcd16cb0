package dev.xidlab.lab.runner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.lab.LabUnavailableException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Host commands as the VM lab runs them: real processes, both outputs, exit codes and timeouts. */
class ProcessCommandRunnerTest {

    @TempDir
    Path dir;

    private final ProcessCommandRunner runner = new ProcessCommandRunner();

    @Test
    void bothOutputsAndTheExitCodeComeBack() {
        CommandResult r = runner.run(List.of("sh", "-c", "echo out; echo err >&2; exit 3"), dir,
                Duration.ofSeconds(30));

        assertEquals(new CommandResult(3, "out\n", "err\n", false), r);
        assertEquals("err", r.lastErrorLine());
    }

    @Test
    void aChattyCommandDoesNotBlockOnAFullPipe() {
        CommandResult r = runner.run(List.of("sh", "-c", "head -c 4000000 /dev/zero | tr '\\0' x; echo; "
                + "head -c 4000000 /dev/zero | tr '\\0' y >&2"), dir, Duration.ofSeconds(60));

        assertTrue(r.succeeded());
        assertEquals(4_000_001, r.stdout().length());
        assertEquals(4_000_000, r.stderr().length());
    }

    @Test
    void aCommandPastItsTimeoutIsKilledAndSaysSo() {
        CommandResult r = runner.run(List.of("sh", "-c", "sleep 30"), dir, Duration.ofMillis(300));

        assertTrue(r.timedOut());
        assertFalse(r.succeeded());
        assertEquals("timed out", r.lastErrorLine());
    }

    @Test
    void aMissingProgramIsAnEnvironmentErrorNamingIt() {
        LabUnavailableException e = assertThrows(LabUnavailableException.class,
                () -> runner.run(List.of("xidlab-no-such-tool", "--version"), dir, Duration.ofSeconds(5)));

        assertEquals("xidlab-no-such-tool is not installed (not found on PATH)", e.getMessage());
    }
}
