package dev.xidlab.lab.local;

import dev.xidlab.device.Device;
import dev.xidlab.device.DeviceException;
import dev.xidlab.device.Devices;
import dev.xidlab.device.WindowsTransport;
import dev.xidlab.lab.Lab;
import dev.xidlab.lab.LabException;
import dev.xidlab.lab.LabName;
import dev.xidlab.lab.LabUnavailableException;
import dev.xidlab.lab.RunOutcome;
import dev.xidlab.load.StressProfile;
import dev.xidlab.load.WindowsStressLoad;
import java.io.IOException;
import java.nio.file.Path;

/**
 * The Windows machine this process runs on, with xidfilter installed: what the Vagrant lab runs inside its guest
 * ({@code xidlab stress --lab local}). It cannot reboot itself and cannot report its own bugcheck: if the driver
 * under test is faulty the machine goes down during stress, and the host side sees that and collects the dump.
 * The driver under test is xidfilter, opened through its device, or the user's own driver the host loaded
 * ({@link #loadInstalledDriver}), which has no device and no telemetry.
 */
public final class LocalWindowsLab implements Lab {

    private final Path scratch;
    private java.util.List<dev.xidlab.load.PressureCycle> lastPressure = java.util.List.of();
    /** The user's driver, which the host installed and loaded: no xidfilter device to open, so no telemetry. */
    private boolean foreignDriver;

    public LocalWindowsLab(Path scratch) {
        this.scratch = scratch;
    }

    @Override
    public String name() {
        return LabName.LOCAL;
    }

    @Override
    public void checkAvailable() {
        String reason = WindowsStressLoad.unavailableReason();
        if (reason == null) {
            reason = WindowsTransport.unavailableReason();
        }
        if (reason != null) {
            throw new LabUnavailableException("the local lab is this Windows machine: " + reason);
        }
    }

    @Override
    public void boot() {
        checkAvailable();
    }

    @Override
    public Device deployDriver() {
        foreignDriver = false;
        try {
            return Devices.open(Devices.WINDOWS);
        } catch (DeviceException e) {
            throw new LabException("xidfilter is not usable here: " + e.getMessage()
                    + " (install and load it with vagrant/provision/install-driver.ps1)", e);
        }
    }

    /** The host loaded the user's driver with fltmc (issue 24): the runs load it as it is, through no device. */
    @Override
    public void loadInstalledDriver() {
        foreignDriver = true;
    }

    @Override
    public RunOutcome stress(StressProfile profile, long seed, Path evidenceDir) {
        long started = System.nanoTime();
        if (foreignDriver) {
            return load(profile, seed, started, null);
        }
        Device opened;
        try {
            opened = deployDriver();
        } catch (RuntimeException e) {
            return RunOutcome.LabFailure.beforeLoad(e.getMessage() == null ? e.toString() : e.getMessage(),
                    java.time.Duration.ofNanos(System.nanoTime() - started));
        }
        return load(profile, seed, started, opened);
    }

    /**
     * From here the load runs: whatever fails (its I/O failed by the filter, too) counts against the driver. The
     * stats are xidfilter's, read after the load and closed with it; null for the user's driver, which has none (a
     * machine that bugchecks or hangs never returns here).
     */
    private RunOutcome load(StressProfile profile, long seed, long started, Device xidfilter) {
        try (Device device = xidfilter) {
            WindowsStressLoad.Result result = new WindowsStressLoad(scratch).run(profile, seed);
            lastPressure = result.pressure();
            return new RunOutcome.Survived(result.operations(), result.elapsed(),
                    device == null ? java.util.Optional.empty() : java.util.Optional.of(device.stats()));
        } catch (IOException | RuntimeException e) {
            return new RunOutcome.LabFailure("the load failed: " + e.getMessage(),
                    java.time.Duration.ofNanos(System.nanoTime() - started));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RunOutcome.LabFailure("interrupted", java.time.Duration.ofNanos(System.nanoTime() - started));
        }
    }

    @Override
    public java.util.Map<String, Object> lastRunDetails() {
        return lastPressure.isEmpty() ? java.util.Map.of() : java.util.Map.of("pressure", lastPressure);
    }

    @Override
    public void close() {
    }
}
