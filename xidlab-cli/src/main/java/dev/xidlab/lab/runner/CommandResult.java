package dev.xidlab.lab.runner;

/** How a host command ended: its exit code (-1 when it was killed at its timeout) and what it printed. */
public record CommandResult(int exitCode, String stdout, String stderr, boolean timedOut) {

    public boolean succeeded() {
        return exitCode == 0 && !timedOut;
    }

    /**
     * The last line of stderr (or stdout) that says something, for a one-line error: a Ruby backtrace's frames
     * ("from file.rb:86:in ...", what vagrant prints when a plugin raises) are skipped for the exception's message.
     */
    public String lastErrorLine() {
        if (timedOut) {
            return "timed out";
        }
        String text = (stderr.isBlank() ? stdout : stderr).strip();
        java.util.List<String> lines = text.lines().map(String::strip)
                .filter(l -> !l.isEmpty() && !l.startsWith("from ")).toList();
        if (lines.isEmpty()) {
            return "exit " + exitCode;
        }
        return lines.get(lines.size() - 1);
    }
}
