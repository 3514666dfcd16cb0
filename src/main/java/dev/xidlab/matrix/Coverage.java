package dev.xidlab.matrix;

import java.util.Optional;

/**
 * What a fix still sees, from the driver's telemetry: its non-paging callbacks per operation against the
 * baseline's on the same load. A "fix" that stops the filter from seeing I/O (SKIP_NON_DASD_IO, mode off) also stops
 * the crash, and proves nothing; paging I/O is left out, as skipping it is the fix's intended cost (its paging-I/O
 * callbacks per operation are shown apart, in {@link ConfigResult#perOperation()}).
 *
 * @param lost the share of the baseline's non-paging callbacks per operation the fix no longer sees (0 when it
 *             sees as many or more)
 */
public record Coverage(double baselineNonPagingPerOperation, double nonPagingPerOperation, double lost) {

    /** Empty when either side has no telemetry (a lab that cannot read the counters after a crash). */
    static Optional<Coverage> of(Tally baseline, Tally fix) {
        if (!baseline.hasTelemetry() || !fix.hasTelemetry()) {
            return Optional.empty();
        }
        double base = baseline.nonPagingCallbacksPerOperation().getAsDouble();
        double seen = fix.nonPagingCallbacksPerOperation().getAsDouble();
        double lost = base <= 0 ? 0 : Math.max(0, 1 - seen / base);
        return Optional.of(new Coverage(base, seen, lost));
    }
}
