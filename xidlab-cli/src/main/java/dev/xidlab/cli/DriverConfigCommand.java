package dev.xidlab.cli;

import dev.xidlab.device.Device;
import dev.xidlab.protocol.DriverConfig;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code xidlab driver config}. */
@Command(name = "config",
        description = "The saved configuration: Xid mode, guard, self-test, registration flags per operation.")
public final class DriverConfigCommand extends DeviceCommand {

    @Override
    int run(Device device, PrintWriter out) {
        DriverConfig config = device.config();
        return report(out, config, () -> ConfigText.print(out, config));
    }
}
