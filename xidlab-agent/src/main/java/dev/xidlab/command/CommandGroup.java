package dev.xidlab.command;

import picocli.CommandLine;

/**
 * A command that only groups others ({@code xidlab}, {@code xidlab driver}, ...). Run without one of them it is a
 * usage error naming what is missing, so the user reads the same one line and exit code as for any bad option.
 */
public abstract class CommandGroup implements Runnable {

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** What the user left out, as the error names it: "a command", "a driver command". */
    private final String missing;

    protected CommandGroup(String missing) {
        this.missing = missing;
    }

    @Override
    public final void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), missing + " is required");
    }
}
