package dev.xidlab.driver;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xidlab.device.IoctlDevice;
import dev.xidlab.device.KernelModel;
import dev.xidlab.device.SimTransport;
import java.nio.file.Path;

/** A kernel-model machine booted with xidfilter loaded, and its device; a test that cannot have one is skipped. */
record LoadedModel(KernelModel model, IoctlDevice device) implements AutoCloseable {

    static LoadedModel boot(Path dumps) {
        assumeTrue(KernelModel.unavailableReason().isEmpty(), () -> KernelModel.unavailableReason().get());
        KernelModel model = new KernelModel();
        model.boot(dumps);
        model.loadDriver();
        return new LoadedModel(model, new IoctlDevice(new SimTransport(model, null, false)));
    }

    @Override
    public void close() {
        model.close();
    }
}
