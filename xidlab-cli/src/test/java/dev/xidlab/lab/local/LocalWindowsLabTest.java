package dev.xidlab.lab.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.sun.jna.Platform;
import dev.xidlab.cli.CliRun;
import dev.xidlab.lab.LabUnavailableException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The lab the VM guest runs on itself refuses, with its reason, anywhere but Windows. */
class LocalWindowsLabTest {

    @Test
    void offWindowsTheLocalLabSaysItIsTheWindowsMachineItRunsOn() {
        assumeFalse(Platform.isWindows(), "this is Windows: the local lab's availability depends on the driver");

        LabUnavailableException e = assertThrows(LabUnavailableException.class,
                () -> new LocalWindowsLab(Path.of("scratch")).checkAvailable());

        assertEquals("the local lab is this Windows machine: the Windows load runs on Windows; this is "
                + System.getProperty("os.name"), e.getMessage());
    }

    @Test
    void offWindowsStressOnTheLocalLabIsAnEnvironmentError() {
        assumeFalse(Platform.isWindows(), "this is Windows: the local lab's availability depends on the driver");

        CliRun r = CliRun.of("stress", "--lab", "local", "--as-configured");

        assertEquals(3, r.exitCode(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }
}
