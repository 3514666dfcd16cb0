package dev.xidlab.command;

import java.util.function.Supplier;

/**
 * Ends a command with one line on stderr; its kind gives the exit code, so a command says what went wrong (the
 * user's input, this machine, a bug) and never picks a number.
 */
public abstract sealed class CommandError extends RuntimeException
        permits CommandError.Usage, CommandError.Environment, CommandError.Internal {

    /** The kind is what a subclass is: each names one and adds nothing else. */
    private final ErrorKind kind;

    private CommandError(String message, ErrorKind kind) {
        super(message);
        this.kind = kind;
    }

    public final ErrorKind kind() {
        return kind;
    }

    public final int exitCode() {
        return kind().exitCode();
    }

    /** The same message as an error of {@code kind}. */
    public static CommandError of(ErrorKind kind, String message) {
        return switch (kind) {
            case USAGE -> new Usage(message);
            case ENVIRONMENT -> new Environment(message);
            case INTERNAL -> new Internal(message);
        };
    }

    /** Ends the command with {@code e}'s message after {@code prefix} ("--lab vagrant: "), exiting as its kind. */
    public static CommandError end(String prefix, Exception e) {
        return end(prefix, e, ErrorKind.of(e));
    }

    /** The same, of the kind given. */
    public static CommandError end(String prefix, Exception e, ErrorKind kind) {
        return of(kind, prefix + e.getMessage());
    }

    /** Runs a check whose IllegalArgumentException is the user's input at fault. */
    public static <T> T usage(Supplier<T> check) {
        try {
            return check.get();
        } catch (IllegalArgumentException e) {
            throw new Usage(e.getMessage());
        }
    }

    /** The user's input: an option, a plan, a report directory, an input file. Nothing was run or changed. */
    public static final class Usage extends CommandError {
        public Usage(String message) {
            super(message, ErrorKind.USAGE);
        }
    }

    /** This machine: no device, lab, tool or library where one is needed, or a lab step that failed. */
    public static final class Environment extends CommandError {
        public Environment(String message) {
            super(message, ErrorKind.ENVIRONMENT);
        }
    }

    /** A bug in xidlab, said as one. */
    public static final class Internal extends CommandError {
        public Internal(String message) {
            super(message, ErrorKind.INTERNAL);
        }
    }
}
