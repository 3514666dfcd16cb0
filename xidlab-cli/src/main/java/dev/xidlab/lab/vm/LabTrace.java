package dev.xidlab.lab.vm;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The VM lab's steps with their times: kept for the run they belong to (a failed run's evidence carries them, so
 * a red CI can be read from its files) and echoed on stderr when XIDLAB_TRACE is set, since a first boot or a crash
 * run takes minutes and a user (or a benchmark) wants to see which step the minutes went to.
 */
final class LabTrace {

    /** A run that loops on a dropping connection must not grow the trace without end. */
    private static final int KEPT = 2_000;

    private final boolean echo;
    private final PrintStream err;
    private final Instant start = Instant.now();
    private final List<String> run = new ArrayList<>();

    LabTrace() {
        this(System.getenv("XIDLAB_TRACE") != null, System.err);
    }

    LabTrace(boolean echo, PrintStream err) {
        this.echo = echo;
        this.err = err;
    }

    synchronized void step(String what) {
        Duration t = Duration.between(start, Instant.now());
        String line = String.format("xidlab: [%3d.%01d s] %s", t.toSeconds(), t.toMillisPart() / 100, what);
        if (run.size() == KEPT) {
            run.remove(0);
        }
        run.add(line);
        if (echo) {
            err.println(line);
            err.flush();
        }
    }

    /** The steps since the current run began. */
    synchronized List<String> thisRun() {
        return List.copyOf(run);
    }

    /** A new run begins: the steps kept so far belonged to the last one. */
    synchronized void newRun() {
        run.clear();
    }
}
