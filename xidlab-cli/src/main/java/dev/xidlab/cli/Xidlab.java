package dev.xidlab.cli;

import dev.xidlab.agent.StressCommand;
import dev.xidlab.command.CommandGroup;
import dev.xidlab.command.ErrorExit;
import dev.xidlab.command.ExitCode;
import dev.xidlab.command.XidlabVersion;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root of the {@code xidlab} command line. */
@Command(name = "xidlab",
        mixinStandardHelpOptions = true,
        versionProvider = XidlabVersion.class,
        description = "Reproduces the minifilter re-entry crash (0x1000007F, double fault) on demand and proves fixes"
                + " with numbers.",
        subcommands = {MatrixCommand.class, DriverCommand.class, CrashesCommand.class, StressCommand.class,
                LabCommand.class, BenchCommand.class, CommandLine.HelpCommand.class},
        footer = ExitCode.FOOTER)
public final class Xidlab extends CommandGroup {

    public Xidlab() {
        super("a command");
    }

    public static void main(String[] args) {
        System.exit(run(args));
    }

    /** Runs one command line; returns its exit code. Never lets an exception escape to the user. */
    public static int run(String... args) {
        return commandLine().execute(args);
    }

    /** The configured command line, for tests that capture its output. */
    public static CommandLine commandLine() {
        return ErrorExit.configure(new CommandLine(new Xidlab(), new UserCommandFactory()), UserErrors::kindOf);
    }
}
