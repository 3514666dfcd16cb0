package dev.xidlab.run;

import dev.xidlab.device.Device;
import dev.xidlab.device.DeviceException;
import dev.xidlab.lab.Lab;
import dev.xidlab.lab.LabException;
import dev.xidlab.lab.RunOutcome;
import dev.xidlab.load.StressProfile;
import dev.xidlab.protocol.ApplyMode;
import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.protocol.DriverInfo;
import dev.xidlab.protocol.DriverStats;
import dev.xidlab.protocol.SetConfigResult;
import dev.xidlab.protocol.XidAnswer;
import dev.xidlab.protocol.XidMode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * A test double of a lab: every boot fails when told to, every stress ends as {@link #outcome} says for the
 * configuration set last (survives by default), and it records what it was asked.
 */
final class ScriptedLab implements Lab {

    final List<String> calls = new ArrayList<>();
    int failBootsFrom = Integer.MAX_VALUE;
    Function<DriverConfig, RunOutcome> outcome = c -> survived(20_000);
    /** The exit code every probe gives. */
    int probeExit;
    /** The module of a package whose install fails, as a guest that cannot load it says. */
    String failingPackage = "";
    private DriverConfig configured = DriverConfig.fieldDefault();
    private int boots;

    /** A lab whose first goodBoots boots come up and every later one fails (the VM does not come up). */
    static ScriptedLab failingEveryBootAfter(int goodBoots) {
        ScriptedLab lab = new ScriptedLab();
        lab.failBootsFrom = goodBoots;
        return lab;
    }

    static RunOutcome survived(long operations) {
        return new RunOutcome.Survived(operations, Duration.ofMillis(1),
                new DriverStats(operations, 0, 1, 0, 0, 0, 0, 0, 0, 1, 20000, 1, 0, 0, 0, 0, 0, 0, 0, 0,
                        operations, 0, 0, 0));
    }

    @Override
    public String name() {
        return "sim";
    }

    @Override
    public void checkAvailable() {
    }

    @Override
    public void boot() {
        calls.add("boot");
        if (++boots > failBootsFrom) {
            throw new LabException("the VM did not come up");
        }
    }

    @Override
    public Device deployDriver() {
        calls.add("deploy");
        return new Device() {
            public DriverInfo info() {
                throw new DeviceException("not scripted");
            }

            public DriverConfig config() {
                throw new DeviceException("not scripted");
            }

            public SetConfigResult setConfig(DriverConfig c, ApplyMode a) {
                calls.add("set " + c.xidMode().label());
                configured = c;
                return new SetConfigResult(Set.of(), 0, 0, 0);
            }

            public DriverStats stats() {
                throw new DeviceException("not scripted");
            }

            public void resetStats() {
                calls.add("reset");
            }

            public XidAnswer queryXid(long pid, XidMode mode) {
                throw new DeviceException("not scripted");
            }

            public void reload() {
                calls.add("reload");
            }

            public String describe() {
                return "scripted";
            }

            public void close() {
            }
        };
    }

    /** Installs packages: a plan that brings one may run here. */
    @Override
    public java.util.Optional<String> cannotInstall(List<dev.xidlab.lab.SitePackage> sitePackages, String what) {
        return java.util.Optional.empty();
    }

    @Override
    public void useDriver(java.util.Optional<dev.xidlab.lab.ForeignDriver> driver) {
        calls.add("use " + driver.map(dev.xidlab.lab.ForeignDriver::module).orElse("xidfilter"));
        if (driver.isPresent() && driver.get().module().equals(failingPackage)) {
            throw new LabException("fltmc load answered 0x80070241");
        }
    }

    @Override
    public int probe(String command) {
        calls.add("probe " + command);
        return probeExit;
    }

    @Override
    public List<Path> fileKernelImages(Path symbolStore) {
        calls.add("file images into " + symbolStore.getFileName());
        return List.of();
    }

    @Override
    public RunOutcome stress(StressProfile profile, long seed, Path evidenceDir) {
        calls.add("stress " + seed);
        return outcome.apply(configured);
    }

    @Override
    public void keepEvidence(Path evidenceDir, String failure) {
        calls.add("keep evidence of " + failure);
        try {
            java.nio.file.Files.writeString(evidenceDir.resolve("lab-trace.log"), "boot\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
    }
}
