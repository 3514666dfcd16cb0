package dev.xidlab.cli;

import dev.xidlab.device.Device;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/** A command that opens the device, does its work with it, and closes it whatever happens. */
abstract class DeviceCommand implements Callable<Integer> {

    @CommandLine.Mixin
    DeviceOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Checks the command's own options before the device is opened; a bad one is a usage error. */
    void checkOptions() {
    }

    abstract int run(Device device, PrintWriter out);

    @Override
    public final Integer call() {
        checkOptions();
        try (Device device = options.open()) {
            return run(device, spec.commandLine().getOut());
        }
    }

    /** JSON for machines when --json was given, the command's own text otherwise. */
    int report(PrintWriter out, Object value, Runnable text) {
        if (options.json) {
            JsonOutput.print(out, value);
        } else {
            text.run();
            out.flush();
        }
        return ExitCode.OK;
    }
}
