package dev.xidlab.cli;

import dev.xidlab.command.CommandGroup;
import dev.xidlab.command.ExitCode;
import picocli.CommandLine.Command;

/** {@code xidlab crashes}: read crash dumps and event logs, attribute each crash. */
@Command(name = "crashes", mixinStandardHelpOptions = true,
        description = "Read Windows crash dumps and event-log exports and attribute each crash, without symbols.",
        subcommands = {CrashesShowCommand.class, CrashesScanCommand.class, CrashesProfileCommand.class},
        footer = ExitCode.FOOTER)
public final class CrashesCommand extends CommandGroup {

    public CrashesCommand() {
        super("a crashes command");
    }
}
