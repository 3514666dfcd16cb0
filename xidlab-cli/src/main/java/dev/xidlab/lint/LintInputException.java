package dev.xidlab.lint;

/** A file the lint refuses before reading it as a driver: no such file, not a PE image, not x64. One line. */
public final class LintInputException extends Exception {

    private static final long serialVersionUID = 1L;

    public LintInputException(String message) {
        super(message);
    }
}
