package dev.xidlab.verdict;

import dev.xidlab.run.Telemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.commons.statistics.distribution.BinomialDistribution;

/**
 * What a fix still sees, from the driver's telemetry: its non-paging callbacks per operation against the
 * baseline's on the same load, in all and by kind of operation. A "fix" that stops the filter from seeing I/O
 * (SKIP_NON_DASD_IO, mode off) also stops the crash, and proves nothing; paging I/O is left out, as skipping it is
 * the fix's intended cost (its paging-I/O callbacks per operation are shown apart, in
 * {@link ConfigResult#perOperation()}). The total alone would let a fix that sees no read at all pass when reads
 * are a few percent of the load, so each kind is judged too: see {@link #blind(double)}.
 *
 * @param lost  the share of the baseline's non-paging callbacks per operation the fix no longer sees (0 when it
 *              sees as many or more)
 * @param kinds the same by kind of operation, when both sides' drivers split their callbacks by kind (else empty)
 */
public record Coverage(double baselineNonPagingPerOperation, double nonPagingPerOperation, double lost,
                       List<Kind> kinds) {

    public Coverage {
        kinds = List.copyOf(kinds);
    }

    /**
     * One kind of operation (creates, cached reads, ...): the callbacks both sides counted and the operations of
     * the load they were counted over.
     *
     * @param lost the share of the baseline's callbacks of this kind per operation the fix no longer sees
     */
    public record Kind(String kind, long baselineCallbacks, long baselineOperations, long callbacks,
                       long operations, double lost) {

        /**
         * The fix lost more than {@code maxLoss} of this kind beyond what the counts leave to chance: a one-sided
         * exact test at 5% that it sees at least (1 - maxLoss) of the baseline's rate per operation. Given both
         * counts, the fix's share of them is binomial under that rate (each side's count Poisson in its
         * operations), so a kind the baseline saw only a few times is not judged on noise, and one it saw
         * dozens of times that the fix never sees is.
         */
        public boolean lostMoreThan(double maxLoss) {
            if (baselineCallbacks == 0 || lost <= maxLoss) {
                return false;
            }
            double seen = (1 - maxLoss) * operations;
            double share = seen / (seen + baselineOperations);
            long both = callbacks + baselineCallbacks;
            if (both > Integer.MAX_VALUE) {
                return true;            // a loss past the limit over billions of callbacks is no chance
            }
            return BinomialDistribution.of((int) both, share).cumulativeProbability((int) callbacks)
                    < RateBounds.ALPHA;
        }
    }

    /** Empty when either side has no telemetry (a lab that cannot read the counters after a crash). */
    static Optional<Coverage> of(Tally baseline, Tally fix) {
        if (!baseline.hasTelemetry() || !fix.hasTelemetry()) {
            return Optional.empty();
        }
        double base = baseline.nonPagingCallbacksPerOperation().getAsDouble();
        double seen = fix.nonPagingCallbacksPerOperation().getAsDouble();
        List<Kind> kinds = new ArrayList<>();
        Optional<Telemetry.Kinds> baseKinds = baseline.telemetry().kinds();
        Optional<Telemetry.Kinds> fixKinds = fix.telemetry().kinds();
        if (baseKinds.isPresent() && fixKinds.isPresent()) {
            for (int k = 0; k < Telemetry.Kinds.NAMES.size(); k++) {
                long b = baseKinds.get().counts().get(k);
                long f = fixKinds.get().counts().get(k);
                double basePer = (double) b / baseline.telemetryOperations();
                double fixPer = (double) f / fix.telemetryOperations();
                kinds.add(new Kind(Telemetry.Kinds.NAMES.get(k), b, baseline.telemetryOperations(), f,
                        fix.telemetryOperations(), lost(basePer, fixPer)));
            }
        }
        return Optional.of(new Coverage(base, seen, lost(base, seen), kinds));
    }

    private static double lost(double base, double seen) {
        return base <= 0 ? 0 : Math.max(0, 1 - seen / base);
    }

    /** The kinds the fix lost more of than {@code maxLoss}, beyond chance ({@link Kind#lostMoreThan}). */
    public List<Kind> kindsLost(double maxLoss) {
        return kinds.stream().filter(k -> k.lostMoreThan(maxLoss)).toList();
    }

    /**
     * Blind: it lost more than {@code maxLoss} of the baseline's non-paging callbacks in all, or of any kind of
     * operation the baseline sees, whatever that kind's share of the load.
     */
    public boolean blind(double maxLoss) {
        return lost > maxLoss || !kindsLost(maxLoss).isEmpty();
    }
}
