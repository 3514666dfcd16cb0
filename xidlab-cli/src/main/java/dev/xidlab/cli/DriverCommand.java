package dev.xidlab.cli;

import dev.xidlab.command.CommandGroup;
import dev.xidlab.command.ExitCode;
import picocli.CommandLine.Command;

/** {@code xidlab driver}: talk to the loaded xidfilter driver over its control device, or lint a driver binary. */
@Command(name = "driver", mixinStandardHelpOptions = true,
        description = "Query and configure the xidfilter driver through its control device; lint a minifilter binary.",
        subcommands = {DriverInfoCommand.class, DriverConfigCommand.class, DriverSetCommand.class,
                DriverStatsCommand.class, DriverResetCommand.class, DriverXidCommand.class,
                DriverReloadCommand.class, DriverRawCommand.class, dev.xidlab.agent.DriverServeCommand.class, DriverLintCommand.class},
        footer = ExitCode.FOOTER)
public final class DriverCommand extends CommandGroup {

    public DriverCommand() {
        super("a driver command");
    }
}
