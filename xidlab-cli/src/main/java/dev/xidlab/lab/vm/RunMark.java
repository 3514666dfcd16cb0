package dev.xidlab.lab.vm;

/**
 * What the guest was told before a run, to read after it: a marker that only a reboot destroys (so a reboot is
 * seen without comparing clocks) and, where the guest has an event log, the last record before the run (so the
 * run's events are found without comparing clocks either).
 *
 * @param runId       the marker's content
 * @param eventCursor the guest's last System log record id before the run, or "" where there is no event log
 */
public record RunMark(String runId, String eventCursor) {
}
