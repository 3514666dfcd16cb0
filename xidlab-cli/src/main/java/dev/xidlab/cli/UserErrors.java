package dev.xidlab.cli;

import dev.xidlab.command.CommandError;
import dev.xidlab.command.ErrorKind;
import dev.xidlab.report.ReportDirectoryException;

/** The kind of an error in the user's CLI: the shared kinds, and a report directory that is the user's input. */
final class UserErrors {

    private UserErrors() {
    }

    static ErrorKind kindOf(Throwable e) {
        return e instanceof ReportDirectoryException ? ErrorKind.USAGE : ErrorKind.of(e);
    }

    /** Ends the command with {@code e}'s message after {@code prefix}, exiting as its kind. */
    static CommandError end(String prefix, Exception e) {
        return CommandError.end(prefix, e, kindOf(e));
    }
}
