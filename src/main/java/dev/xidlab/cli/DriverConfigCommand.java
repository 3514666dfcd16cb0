package dev.xidlab.cli;

import dev.xidlab.device.Device;
import dev.xidlab.protocol.DriverConfig;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code xidlab driver config}. */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "The saved configuration: Xid mode, guard, self-test, registration flags per operation.",
        footer = ExitCode.FOOTER)
public final class DriverConfigCommand implements Callable<Integer> {

    @CommandLine.Mixin
    DeviceOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try (Device device = options.open()) {
            DriverConfig config = device.config();
            if (options.json) {
                JsonOutput.print(spec.commandLine().getOut(), config);
            } else {
                ConfigText.print(spec.commandLine().getOut(), config);
            }
            return ExitCode.OK;
        }
    }
}
