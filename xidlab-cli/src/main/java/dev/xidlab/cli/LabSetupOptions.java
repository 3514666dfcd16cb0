package dev.xidlab.cli;

import dev.xidlab.command.StandInOption;
import dev.xidlab.lab.LabName;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * The lab being set up: what {@code lab up} brings up and {@code lab doctor} checks, the same choice with the same
 * default (the VM lab, the one that needs setting up), so the doctor checks the lab that up would boot.
 */
final class LabSetupOptions {

    @Option(names = "--lab", paramLabel = "sim|vagrant", defaultValue = LabName.VAGRANT,
            description = "The lab (default ${DEFAULT-VALUE}).")
    String labName;

    @CommandLine.Mixin
    StandInOption standIn;
}
