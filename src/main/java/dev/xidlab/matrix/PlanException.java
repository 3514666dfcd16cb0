package dev.xidlab.matrix;

/** A plan file that cannot be run; the message names the file and line. */
public final class PlanException extends Exception {

    public PlanException(String message) {
        super(message);
    }
}
