package dev.xidlab.lab;

/** How a host command ended: its exit code (-1 when it was killed at its timeout) and what it printed. */
public record CommandResult(int exitCode, String stdout, String stderr, boolean timedOut) {

    public boolean succeeded() {
        return exitCode == 0 && !timedOut;
    }

    /** The last non-blank line of stderr (or stdout), for a one-line error. */
    public String lastErrorLine() {
        if (timedOut) {
            return "timed out";
        }
        String text = (stderr.isBlank() ? stdout : stderr).strip();
        if (text.isEmpty()) {
            return "exit " + exitCode;
        }
        String[] lines = text.split("\\R");
        return lines[lines.length - 1].strip();
    }
}
