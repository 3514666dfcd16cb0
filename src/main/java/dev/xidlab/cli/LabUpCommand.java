package dev.xidlab.cli;

import dev.xidlab.device.Device;
import dev.xidlab.device.DeviceException;
import dev.xidlab.lab.Lab;
import dev.xidlab.lab.LabException;
import dev.xidlab.lab.Labs;
import dev.xidlab.protocol.DriverInfo;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code xidlab lab up}: what a matrix does before its first run, on its own, so a new VM lab is proven ready
 * (booted, provisioned, driver loaded and answering) before hours of runs are queued on it.
 */
@Command(name = "up", mixinStandardHelpOptions = true,
        description = {"Boot the lab, install and load the driver, and show that it answers. The Vagrant guest stays"
                + " up afterwards (`vagrant halt` in vagrant/ stops it).",
                "Exit 3 when the lab cannot run here or does not come up."},
        footer = ExitCode.FOOTER)
public final class LabUpCommand implements Callable<Integer> {

    @Option(names = "--lab", paramLabel = "sim|vagrant", defaultValue = Labs.VAGRANT,
            description = "The lab (default ${DEFAULT-VALUE}).")
    String labName;

    @CommandLine.Mixin
    StandInOption standIn;

    @Option(names = "--json", description = "Print JSON for machines instead of text.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try (Lab lab = LabChoice.openAvailable(labName, standIn, ExitCode.ENVIRONMENT)) {
            DriverInfo info;
            String device;
            try {
                lab.boot();
                try (Device d = lab.deployDriver()) {
                    info = d.info();
                    device = d.describe();
                }
            } catch (LabException | DeviceException e) {
                throw new CliException(ExitCode.ENVIRONMENT, "--lab " + labName + " did not come up: "
                        + e.getMessage());
            }
            PrintWriter out = spec.commandLine().getOut();
            if (json) {
                Map<String, Object> up = new LinkedHashMap<>();
                up.put("lab", lab.name());
                up.put("device", device);
                up.put("driver", info);
                JsonOutput.print(out, up);
            } else {
                out.printf("lab %s is up: %s answers, xidfilter %s (%s build), protocol %d, load count %d%n",
                        lab.name(), device, info.driverVersionText(), info.buildFlavor().label(),
                        info.protocolVersion(), info.loadCount());
                out.flush();
            }
            return ExitCode.OK;
        }
    }
}
