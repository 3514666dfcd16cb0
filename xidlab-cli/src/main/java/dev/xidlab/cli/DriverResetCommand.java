package dev.xidlab.cli;

import dev.xidlab.device.Device;
import java.io.PrintWriter;
import java.util.Map;
import picocli.CommandLine.Command;

/** {@code xidlab driver reset}. */
@Command(name = "reset", description = "Zero the telemetry (loads and re-registrations are kept).")
public final class DriverResetCommand extends DeviceCommand {

    @Override
    int run(Device device, PrintWriter out) {
        device.resetStats();
        return report(out, Map.of("reset", true), () -> out.println("telemetry reset"));
    }
}
