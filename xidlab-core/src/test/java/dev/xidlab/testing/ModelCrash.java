package dev.xidlab.testing;

import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import dev.xidlab.device.Device;
import dev.xidlab.device.ModelOptions;
import dev.xidlab.lab.RunOutcome;
import dev.xidlab.lab.sim.SimLab;
import dev.xidlab.protocol.ApplyMode;
import dev.xidlab.protocol.DriverConfig;
import java.nio.file.Path;

/** The kernel model crashed on purpose with a driver configuration, writing its minidump and kernel dump. */
public final class ModelCrash {

    private ModelCrash() {
    }

    /**
     * The dump a hung model machine leaves when sent an NMI (bugcheck 0x80, the hung thread's stack): the field
     * configuration's default load with same-thread-fault=wait, then the NMI; the dump is kept in {@code dir}.
     */
    public static Path nmiDumpOfAHang(Path dir) {
        try (SimLab lab = new SimLab(ModelOptions.DEFAULTS.withSameThreadFault(ModelOptions.SameThreadFault.WAIT))) {
            lab.boot();
            lab.deployDriver().close();
            assertInstanceOf(RunOutcome.Hung.class, lab.stress(SimLab.defaultProfile(), 1, dir));
            return lab.injectNmi(dir).orElseThrow();
        }
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
