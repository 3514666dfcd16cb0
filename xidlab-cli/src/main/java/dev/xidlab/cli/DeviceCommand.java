package dev.xidlab.cli;

import dev.xidlab.command.DeviceOptions;
import dev.xidlab.command.ExitCode;
import dev.xidlab.command.JsonOutput;
import dev.xidlab.device.Device;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * A command that opens the device, does its work with it, and closes it whatever happens. The help every xidlab
 * command has (-h, -V, the exit codes footer) is declared here once: picocli merges it into each subclass's.
 */
@CommandLine.Command(mixinStandardHelpOptions = true, footer = ExitCode.FOOTER)
abstract class DeviceCommand implements Callable<Integer> {

    @CommandLine.Mixin
    DeviceOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** Checks the command's own options before the device is opened; a bad one is a usage error. */
    void checkOptions() {
    }

    abstract int run(Device device, PrintWriter out);

    /**
     * What a user of {@code --device sim} must know to read this command's answer, or null. The kernel model keeps
     * no machine between commands: each boots one and loads xidfilter from the saved service key.
     */
    String freshMachineNote() {
        return null;
    }

    @Override
    public final Integer call() {
        checkOptions();
        try (Device device = options.open()) {
            int exit = run(device, spec.commandLine().getOut());
            String note = options.freshModelMachine() ? freshMachineNote() : null;
            if (note != null) {
                spec.commandLine().getErr().println("note: --device sim " + note);
                spec.commandLine().getErr().flush();
            }
            return exit;
        }
    }

    /** JSON for machines when --json was given, the command's own text otherwise. */
    int report(PrintWriter out, Object value, Runnable text) {
        if (options.json.on) {
            JsonOutput.print(out, value);
        } else {
            text.run();
            out.flush();
        }
        return ExitCode.OK;
    }
}
