package dev.xidlab.command;

import dev.xidlab.device.Device;
import dev.xidlab.device.Devices;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/** Options every {@code xidlab driver} command shares. */
public final class DeviceOptions {

    @Option(names = "--device", paramLabel = "sim|windows", defaultValue = Devices.SIM,
            description = "The driver to talk to: sim (the kernel model, default) or windows (\\\\.\\XidFilter on"
                    + " this Windows machine).")
    public String device;

    @CommandLine.Mixin
    public JsonOption json;

    public Device open() {
        return Devices.open(device);
    }

    /** The kernel model: a new machine for every command. */
    public boolean freshModelMachine() {
        return Devices.SIM.equalsIgnoreCase(device);
    }
}
