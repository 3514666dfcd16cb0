package dev.xidlab.command;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine;

/**
 * A command that answers as text for a person, or with {@code --json} for machines: the option, the command's own
 * spec (its out and err writers, where a test captures them), the answer in one form or the other, and what every
 * xidlab command's help has (-h, -V and the exit codes footer; picocli merges a superclass's {@code @Command}
 * attributes into the subclass's) declared once for every such command.
 */
@CommandLine.Command(mixinStandardHelpOptions = true, footer = ExitCode.FOOTER)
public abstract class TextOrJsonCommand implements Callable<Integer> {

    @CommandLine.Mixin
    protected JsonOption json;

    @CommandLine.Spec
    protected CommandLine.Model.CommandSpec spec;

    /** Prints {@code value} as JSON when --json was given, else the command's own text, to the command's out. */
    protected final void answer(Object value, Consumer<PrintWriter> text) {
        PrintWriter out = spec.commandLine().getOut();
        if (json.on) {
            JsonOutput.print(out, value);
        } else {
            text.accept(out);
            out.flush();
        }
    }
}
