package dev.xidlab.device;

import dev.xidlab.protocol.Ioctl;
import java.nio.file.Path;

/**
 * The control device of the driver in a kernel-model machine. When a state file is given, the service key is
 * saved there after every configuration change, so the next process that boots a model sees it, as a real
 * machine's registry would.
 */
public final class SimTransport implements IoctlTransport {

    private final KernelModel model;
    private final Path stateFile;
    private final boolean ownsModel;

    /**
     * @param stateFile where the service key persists, or null to keep it in the machine only
     * @param ownsModel whether closing the transport closes the machine
     */
    public SimTransport(KernelModel model, Path stateFile, boolean ownsModel) {
        this.model = model;
        this.stateFile = stateFile;
        this.ownsModel = ownsModel;
    }

    @Override
    public byte[] call(int code, byte[] input, int outputCapacity) {
        byte[] output = model.deviceIoControl(code, input, outputCapacity);
        if (code == Ioctl.SET_CONFIG.code() && stateFile != null) {
            model.saveServiceKey(stateFile);
        }
        return output;
    }

    @Override
    public void reloadFilter() {
        model.unloadDriver();
        model.loadDriver();
        if (stateFile != null) {
            model.saveServiceKey(stateFile);
        }
    }

    @Override
    public String describe() {
        return "sim (kernel model" + (stateFile == null ? ")" : ", service key in " + stateFile + ")");
    }

    @Override
    public void close() {
        if (ownsModel) {
            model.close();
        }
    }
}
