package dev.xidlab.cli;

import dev.xidlab.device.Device;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code xidlab driver reset}. */
@Command(name = "reset", mixinStandardHelpOptions = true,
        description = "Zero the telemetry (loads and re-registrations are kept).", footer = ExitCode.FOOTER)
public final class DriverResetCommand implements Callable<Integer> {

    @CommandLine.Mixin
    DeviceOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try (Device device = options.open()) {
            device.resetStats();
            if (options.json) {
                JsonOutput.print(spec.commandLine().getOut(), java.util.Map.of("reset", true));
            } else {
                spec.commandLine().getOut().println("telemetry reset");
            }
            return ExitCode.OK;
        }
    }
}
