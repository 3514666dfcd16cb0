package dev.xidlab.plan;

/** A plan file that cannot be run; the message names the file and line. */
public final class PlanException extends Exception {

    private final int line;

    public PlanException(String message) {
        this(message, 0);
    }

    /** An error the plan reader located: {@code line} orders it among the plan's other errors. */
    public PlanException(String message, int line) {
        super(message);
        this.line = line;
    }

    /** The line it is on (0 when it is not about one line); errors are reported earliest first. */
    public int line() {
        return line;
    }
}
