package dev.xidlab.agent;

import dev.xidlab.command.CommandGroup;
import dev.xidlab.command.ErrorExit;
import dev.xidlab.command.ErrorKind;
import dev.xidlab.command.ExitCode;
import dev.xidlab.command.XidlabVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * What the VM lab runs in a guest, as {@code java -jar xidlab-agent.jar}: named {@code xidlab} so the guest's command
 * lines keep the user's CLI's shape ({@code driver serve --device sim}, {@code stress --lab standin ...}).
 */
@Command(name = "xidlab", mixinStandardHelpOptions = true, versionProvider = XidlabVersion.class,
        description = "The guest side of the VM lab: serve the driver's control device, run a load.",
        subcommands = {Agent.Driver.class, StressCommand.class, CommandLine.HelpCommand.class},
        footer = ExitCode.FOOTER)
public final class Agent extends CommandGroup {

    public Agent() {
        super("a command");
    }

    public static void main(String[] args) {
        System.exit(commandLine().execute(args));
    }

    /** The guest's command line, set up as the user's is (its errors the same lines and exit codes). */
    public static CommandLine commandLine() {
        return ErrorExit.configure(new CommandLine(new Agent()), ErrorKind::of);
    }

    /** {@code driver}: in the guest only {@code serve}, the control device for the host. */
    @Command(name = "driver", mixinStandardHelpOptions = true,
            description = "Serve the xidfilter driver's control device to the host.",
            subcommands = {DriverServeCommand.class},
            footer = ExitCode.FOOTER)
    static final class Driver extends CommandGroup {

        Driver() {
            super("a driver command");
        }
    }
}
