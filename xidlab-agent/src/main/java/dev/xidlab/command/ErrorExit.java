package dev.xidlab.command;

import java.io.PrintWriter;
import java.util.function.Function;
import picocli.CommandLine;

/**
 * How every xidlab command line ends on an exception: one line on stderr, "xidlab: " and the message, and the exit
 * code of its kind; anything else is a bug, said as one (its stack trace under XIDLAB_DEBUG=1).
 */
public final class ErrorExit implements CommandLine.IExecutionExceptionHandler {

    private final Function<Throwable, ErrorKind> kinds;

    /** @param kinds the kind of an exception that is not a {@link CommandError} */
    public ErrorExit(Function<Throwable, ErrorKind> kinds) {
        this.kinds = kinds;
    }

    @Override
    public int handleExecutionException(Exception e, CommandLine cl, CommandLine.ParseResult parseResult) {
        PrintWriter err = cl.getErr();
        int code;
        String message;
        ErrorKind kind = kinds.apply(e);
        if (e instanceof CommandError ce) {
            code = ce.exitCode();
            message = ce.getMessage();
        } else if (kind != ErrorKind.INTERNAL) {
            code = kind.exitCode();
            message = e.getMessage();
        } else {
            code = ExitCode.INTERNAL;
            message = "internal error: " + e.getClass().getSimpleName() + ": " + e.getMessage()
                    + " (run with XIDLAB_DEBUG=1 for the stack trace)";
            if (System.getenv("XIDLAB_DEBUG") != null) {
                e.printStackTrace(err);
            }
        }
        err.println("xidlab: " + oneLine(message));
        err.flush();
        return code;
    }

    /** A command line set up as every xidlab command line is: enum values in any case, errors as above. */
    public static CommandLine configure(CommandLine cl, Function<Throwable, ErrorKind> kinds) {
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler(new ErrorExit(kinds));
        return cl;
    }

    private static String oneLine(String message) {
        return message == null ? "(no message)" : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").trim();
    }
}
