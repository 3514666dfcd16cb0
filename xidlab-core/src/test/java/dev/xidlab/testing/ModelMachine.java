package dev.xidlab.testing;

import dev.xidlab.device.IoctlDevice;
import dev.xidlab.device.KernelModel;
import dev.xidlab.device.ModelOptions;
import dev.xidlab.device.SimTransport;
import dev.xidlab.protocol.ApplyMode;
import dev.xidlab.protocol.DriverConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A kernel-model machine for each test, its dumps kept in a directory of its own that goes with it, and xidfilter's
 * control device reached the way the lab reaches it (IOCTL bytes over the model's transport).
 * {@link #withTheDriverLoaded()} boots it and loads the driver before the test; {@link #unbooted()} leaves the
 * configuring and booting to the test.
 */
public final class ModelMachine extends OnTheModel<KernelModel> {

    private final boolean loadBeforeTheTest;
    private Path dumps;
    private IoctlDevice device;

    private ModelMachine(boolean loadBeforeTheTest) {
        super(KernelModel::new);
        this.loadBeforeTheTest = loadBeforeTheTest;
    }

    /** A machine booted with the driver loaded and its default configuration, before each test. */
    public static ModelMachine withTheDriverLoaded() {
        return new ModelMachine(true);
    }

    /** A machine not booted yet, for a test that configures the model first. */
    public static ModelMachine unbooted() {
        return new ModelMachine(false);
    }

    public KernelModel model() {
        return get();
    }

    /** The driver's control device since the last boot. */
    public IoctlDevice device() {
        if (device == null) {
            throw new IllegalStateException("the machine has not booted");
        }
        return device;
    }

    /** Boots the machine as it is configured, with the driver loaded, and returns its control device. */
    public IoctlDevice bootWithTheDriver() {
        model().boot(dumps);
        model().loadDriver();
        device = new IoctlDevice(new SimTransport(model(), null, false));
        return device;
    }

    /**
     * Configures the model with options, boots it with the driver and gives the driver config from that boot on
     * (saved, then a reload); returns its control device.
     */
    public IoctlDevice bootWithTheDriver(ModelOptions options, DriverConfig config) {
        model().configure(options);
        bootWithTheDriver().setConfig(config, ApplyMode.NEXT_LOAD);
        device.reload();
        return device;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        super.beforeEach(context);
        dumps = Files.createTempDirectory("xidlab-model-dumps");
        if (loadBeforeTheTest) {
            bootWithTheDriver();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        device = null;
        try {
            super.afterEach(context);
        } finally {
            if (dumps != null) {
                deleteTree(dumps);
                dumps = null;
            }
        }
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
