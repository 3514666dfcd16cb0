package dev.xidlab.testing;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.xidlab.device.Device;
import dev.xidlab.device.ModelOptions;
import dev.xidlab.lab.RunOutcome;
import dev.xidlab.lab.SimLab;
import dev.xidlab.protocol.ApplyMode;
import dev.xidlab.protocol.DriverConfig;
import java.nio.file.Path;

/** The kernel model crashed on purpose with a driver configuration, writing its minidump and kernel dump. */
public final class ModelCrash {

    private ModelCrash() {
    }

    /** One run of the default load on a fresh model machine; the configuration must make it bugcheck. */
    public static RunOutcome.Bugchecked withKernelDump(DriverConfig config, Path evidence) {
        try (SimLab lab = new SimLab(ModelOptions.DEFAULTS.withDump(ModelOptions.Dump.KERNEL))) {
            lab.boot();
            try (Device device = lab.deployDriver()) {
                device.setConfig(config, ApplyMode.NEXT_LOAD);
                device.reload();
            }
            return assertInstanceOf(RunOutcome.Bugchecked.class, lab.stress(SimLab.defaultProfile(), 1, evidence));
        }
    }
}
