package dev.xidlab.cli;

import dev.xidlab.device.Device;
import dev.xidlab.protocol.DriverInfo;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code xidlab driver reload}: the documented way to make saved registration flags take effect. */
@Command(name = "reload",
        description = "Unload and load the filter through the filter manager, so saved registration flags take"
                + " effect.")
public final class DriverReloadCommand extends DeviceCommand {

    @Override
    int run(Device device, PrintWriter out) {
        device.reload();
        DriverInfo info = device.info();
        return report(out, info, () -> out.printf("filter reloaded (load %d)%s%n", info.loadCount(),
                info.reloadPending() ? "; saved flags still differ from the active ones" : ""));
    }
}
