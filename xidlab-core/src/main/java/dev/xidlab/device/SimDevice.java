package dev.xidlab.device;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@code --device sim}: each command boots a fresh kernel-model machine and loads xidfilter from the service key
 * kept in a state file ({@code XIDLAB_SIM_STATE}, default {@code ~/.xidlab/sim/service-key.bin}), so a
 * configuration set by one command is what the next one's driver loads with. The system property
 * {@code xidlab.sim.state} overrides the environment.
 */
public final class SimDevice {

    private SimDevice() {
    }

    public static Path stateFile() {
        String override = System.getProperty("xidlab.sim.state", System.getenv("XIDLAB_SIM_STATE"));
        return override != null && !override.isBlank()
                ? Path.of(override)
                : Path.of(System.getProperty("user.home"), ".xidlab", "sim", "service-key.bin");
    }

    public static Device open() {
        return open(stateFile());
    }

    public static Device open(Path stateFile) {
        return new IoctlDevice(openTransport(stateFile));
    }

    public static SimTransport openTransport(Path stateFile) {
        KernelModel model = new KernelModel();
        try {
            Files.createDirectories(stateFile.toAbsolutePath().getParent());
            model.boot(null);
            if (Files.exists(stateFile)) {
                model.loadServiceKey(stateFile);
            }
            model.loadDriver();
            model.saveServiceKey(stateFile);
            return new SimTransport(model, stateFile, true);
        } catch (IOException e) {
            model.close();
            throw new DeviceException("cannot keep the model's service key at " + stateFile + ": " + e.getMessage());
        } catch (RuntimeException e) {
            model.close();
            throw e;
        }
    }
}
