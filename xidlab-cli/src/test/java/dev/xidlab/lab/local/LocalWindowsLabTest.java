package dev.xidlab.lab.local;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import com.sun.jna.Platform;
import dev.xidlab.cli.CliRun;
import dev.xidlab.lab.LabUnavailableException;
import dev.xidlab.lab.RunOutcome;
import dev.xidlab.load.Budget;
import dev.xidlab.load.MemoryPressure;
import dev.xidlab.load.OperationMix;
import dev.xidlab.load.StressProfile;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab the VM guest runs on itself refuses, with its reason, anywhere but Windows; and which driver a run opens
 * (the load itself runs only on Windows, so off it a run ends where the load starts).
 */
class LocalWindowsLabTest {

    private static final StressProfile LOAD = new StressProfile(1, 1, OperationMix.typical(), MemoryPressure.NONE,
            Budget.ofOperations(10));

    @TempDir
    Path scratch;

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

    @Test
    void theUsersDriverRunsWithoutXidfiltersDevice() {
        assumeFalse(Platform.isWindows(), "this is Windows: the load would run for real");
        LocalWindowsLab lab = new LocalWindowsLab(scratch);
        lab.loadInstalledDriver();

        RunOutcome outcome = lab.stress(LOAD, 1, scratch);

        // It reached the load (which only Windows runs), not xidfilter's device.
        assertEquals(new RunOutcome.LabFailure("the load failed: the Windows load runs on Windows; this is "
                + System.getProperty("os.name"), ((RunOutcome.LabFailure) outcome).elapsed(),
                RunOutcome.LabFailure.Phase.AFTER_LOAD), outcome);
    }

    @Test
    void xidfiltersRunOpensItsDeviceBeforeTheLoad() {
        assumeFalse(Platform.isWindows(), "this is Windows: the device may be there");

        RunOutcome outcome = new LocalWindowsLab(scratch).stress(LOAD, 1, scratch);

        RunOutcome.LabFailure failure = (RunOutcome.LabFailure) outcome;
        assertEquals(RunOutcome.LabFailure.Phase.BEFORE_LOAD, failure.phase());
        assertTrue(failure.reason().startsWith("xidfilter is not usable here: "), failure.reason());
    }
}
