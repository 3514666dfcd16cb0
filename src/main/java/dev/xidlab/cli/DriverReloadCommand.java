package dev.xidlab.cli;

import dev.xidlab.device.Device;
import dev.xidlab.protocol.DriverInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code xidlab driver reload}: the documented way to make saved registration flags take effect. */
@Command(name = "reload", mixinStandardHelpOptions = true,
        description = "Unload and load the filter through the filter manager, so saved registration flags take"
                + " effect.", footer = ExitCode.FOOTER)
public final class DriverReloadCommand implements Callable<Integer> {

    @CommandLine.Mixin
    DeviceOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try (Device device = options.open()) {
            device.reload();
            DriverInfo info = device.info();
            if (options.json) {
                JsonOutput.print(spec.commandLine().getOut(), info);
            } else {
                spec.commandLine().getOut().printf("filter reloaded (load %d)%s%n", info.loadCount(),
                        info.reloadPending() ? "; saved flags still differ from the active ones" : "");
            }
            return ExitCode.OK;
        }
    }
}
