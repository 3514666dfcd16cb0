package dev.xidlab.lab.vm;

import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;

/**
 * The VM lab's steps with their times on stderr when XIDLAB_TRACE is set: a first boot or a crash run takes
 * minutes, and a user (or a benchmark) wants to see which step the minutes went to.
 */
final class LabTrace {

    private static final boolean ON = System.getenv("XIDLAB_TRACE") != null;
    private static final Instant START = Instant.now();

    private LabTrace() {
    }

    static void step(String what) {
        if (ON) {
            print(System.err, what);
        }
    }

    private static void print(PrintStream err, String what) {
        Duration t = Duration.between(START, Instant.now());
        err.printf("xidlab: [%3d.%01d s] %s%n", t.toSeconds(), t.toMillisPart() / 100, what);
        err.flush();
    }
}
