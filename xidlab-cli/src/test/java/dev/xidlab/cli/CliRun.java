package dev.xidlab.cli;

import java.io.PrintWriter;
import java.io.StringWriter;
import picocli.CommandLine;

/** One xidlab command line run in-process, as a user would run it, with what it printed and its exit code. */
public record CliRun(int exitCode, String out, String err) {

    public static CliRun of(String... args) {
        return in(Xidlab.commandLine(), args);
    }

    /** The same on another command line: the guest's agent, whose commands keep the CLI's shape. */
    public static CliRun in(CommandLine cl, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }
}
