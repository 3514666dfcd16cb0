package dev.xidlab.cli;

import dev.xidlab.command.CommandGroup;
import dev.xidlab.command.ExitCode;
import picocli.CommandLine.Command;

/** {@code xidlab lab}: the labs a matrix can run on. */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = "The labs a matrix can run on: sim (the kernel model, in this process) and vagrant (a Windows"
                + " VM).", subcommands = {LabStatusCommand.class, LabUpCommand.class, LabDoctorCommand.class},
        footer = ExitCode.FOOTER)
public final class LabCommand extends CommandGroup {

    public LabCommand() {
        super("a lab command");
    }
}
