package dev.xidlab.command;

import java.util.concurrent.Callable;
import picocli.CommandLine;

/**
 * A command that answers as text for a person, or with {@code --json} for machines: the option and the command's
 * own spec (its out and err writers, where a test captures them) declared once for every such command.
 */
public abstract class TextOrJsonCommand implements Callable<Integer> {

    @CommandLine.Mixin
    protected JsonOption json;

    @CommandLine.Spec
    protected CommandLine.Model.CommandSpec spec;
}
