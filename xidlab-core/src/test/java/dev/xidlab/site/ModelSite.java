package dev.xidlab.site;

import dev.xidlab.device.IoctlDevice;
import dev.xidlab.device.KernelModel;
import dev.xidlab.device.ModelEnvironment;
import dev.xidlab.device.ModelOptions;
import dev.xidlab.device.SimTransport;
import dev.xidlab.load.Budget;
import dev.xidlab.load.MemoryPressure;
import dev.xidlab.load.OperationMix;
import dev.xidlab.load.StressProfile;
import dev.xidlab.protocol.ApplyMode;
import dev.xidlab.protocol.DriverConfig;
import java.nio.file.Path;
import java.util.List;

/**
 * A customer's machine played by the kernel model: it crashes with the field configuration and leaves a minidump
 * and a kernel memory dump of the stop, as Windows does when both are configured.
 */
final class ModelSite {

    static final StressProfile PURGING = new StressProfile(4, 32, OperationMix.typical(), MemoryPressure.HIGH,
            Budget.ofOperations(20_000));

    private ModelSite() {
    }

    static ModelEnvironment.ResidentFilter minifilter(String module, long altitude, int frameBytes) {
        return new ModelEnvironment.ResidentFilter(module, altitude * 1000, frameBytes, false, false);
    }

    /** The dumps of one crash of a machine of this build, processors and memory with these filters beside ours. */
    static List<Path> crash(Path directory, int build, int processors, long physicalPages,
                            ModelEnvironment.ResidentFilter... filters) {
        ModelEnvironment site = new ModelEnvironment(build, processors, physicalPages,
                ModelEnvironment.DEFAULT.filterAltitudeThousandths(), List.of(filters));
        try (KernelModel model = new KernelModel()) {
            model.configure(ModelOptions.DEFAULTS.withDump(ModelOptions.Dump.KERNEL).withEnvironment(site));
            model.boot(directory);
            model.loadDriver();
            IoctlDevice device = new IoctlDevice(new SimTransport(model, null, false));
            device.setConfig(DriverConfig.fieldDefault(), ApplyMode.NEXT_LOAD);
            device.reload();
            KernelModel.BatchResult r = model.runBatch(PURGING, PURGING.budget().operations(), 1);
            if (!r.bugchecked()) {
                throw new IllegalStateException("the field configuration did not crash the model");
            }
            return List.of(r.dump().orElseThrow(), r.kernelDump().orElseThrow());
        }
    }
}
