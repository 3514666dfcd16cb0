package dev.xidlab.cli;

import dev.xidlab.agent.StressCommand;
import dev.xidlab.command.ErrorExit;
import dev.xidlab.command.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The root of the {@code xidlab} command line. */
@Command(name = "xidlab",
        mixinStandardHelpOptions = true,
        versionProvider = Xidlab.Version.class,
        description = "Reproduces the minifilter re-entry crash (0x1000007F, double fault) on demand and proves fixes"
                + " with numbers.",
        subcommands = {MatrixCommand.class, DriverCommand.class, CrashesCommand.class, StressCommand.class,
                LabCommand.class, BenchCommand.class, CommandLine.HelpCommand.class},
        footer = ExitCode.FOOTER)
public final class Xidlab implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
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

    /** --version: the jar's implementation version and the wire protocol it speaks. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = Xidlab.class.getPackage().getImplementationVersion();
            return new String[] {
                "xidlab " + (version == null ? "(development build)" : version),
                "wire protocol " + dev.xidlab.protocol.Wire.PROTOCOL_VERSION
            };
        }
    }
}
