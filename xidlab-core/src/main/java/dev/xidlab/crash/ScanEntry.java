package dev.xidlab.crash;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/** One line of a crash scan. */
public sealed interface ScanEntry {

    Path file();

    /** When it happened, for sorting; unreadable files sort last. */
    Instant time();

    /** A dump, with the event-log entries that record the same crash. */
    record Dump(Path file, Instant time, CrashAnalysis analysis, List<BugcheckEvent> events) implements ScanEntry {

        public Dump {
            events = List.copyOf(events);
        }
    }

    /** A bugcheck recorded in an event log with no dump found for it. */
    record Event(Path file, Instant time, BugcheckEvent event) implements ScanEntry {
    }

    /** A file that could not be read as a dump or an event-log export. */
    record Unreadable(Path file, Instant time, String reason) implements ScanEntry {
    }
}
