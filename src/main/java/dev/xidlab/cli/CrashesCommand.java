package dev.xidlab.cli;

import dev.xidlab.command.ExitCode;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code xidlab crashes}: read crash dumps and event logs, attribute each crash. */
@Command(name = "crashes", mixinStandardHelpOptions = true,
        description = "Read Windows crash dumps and event-log exports and attribute each crash, without symbols.",
        subcommands = {CrashesShowCommand.class, CrashesScanCommand.class, CrashesProfileCommand.class},
        footer = ExitCode.FOOTER)
public final class CrashesCommand implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a crashes command is required");
    }
}
