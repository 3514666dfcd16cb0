package dev.xidlab.run;

import dev.xidlab.protocol.DriverStats;
import java.util.List;
import java.util.Optional;

/**
 * The driver's counters that a verdict reads, for one run or summed over runs.
 *
 * @param maxNestingDepth   the deepest the filter's pre-operation callback was nested on one thread, counted by the
 *                          driver itself ("callback nesting"); the highest of the runs when summed
 * @param minRemainingStack the least kernel stack left in a callback, in bytes; -1 when no callback ran
 * @param callbacks         pre-operation callbacks, paging I/O included
 * @param pagingIoCallbacks the callbacks for paging I/O
 * @param kinds             the callbacks that are not paging I/O by kind of operation; empty for runs recorded by
 *                          versions whose driver did not split them (and for a sum over any such run)
 */
public record Telemetry(int maxNestingDepth, int minRemainingStack, long callbacks, long pagingIoCallbacks,
                        long guardSkips, Optional<Kinds> kinds) {

    public static final Telemetry NONE = new Telemetry(0, -1, 0, 0, 0, Optional.of(Kinds.NONE));

    /**
     * The callbacks that are not paging I/O, by kind: a create, a read or a write, each cached or not
     * (IRP_NOCACHE). A fix that no longer sees one kind has stopped looking at it, whatever its share of the load.
     */
    public record Kinds(long creates, long cachedReads, long nonCachedReads, long cachedWrites,
                        long nonCachedWrites) {

        static final Kinds NONE = new Kinds(0, 0, 0, 0, 0);

        /** How each kind is named in a report, in the order of {@link #counts()}. */
        public static final List<String> NAMES = List.of("creates", "cached reads", "non-cached reads",
                "cached writes", "non-cached writes");

        public List<Long> counts() {
            return List.of(creates, cachedReads, nonCachedReads, cachedWrites, nonCachedWrites);
        }

        Kinds plus(Kinds o) {
            return new Kinds(creates + o.creates, cachedReads + o.cachedReads, nonCachedReads + o.nonCachedReads,
                    cachedWrites + o.cachedWrites, nonCachedWrites + o.nonCachedWrites);
        }
    }

    /** Counters without the split by kind, as versions before it recorded them. */
    public Telemetry(int maxNestingDepth, int minRemainingStack, long callbacks, long pagingIoCallbacks,
                     long guardSkips) {
        this(maxNestingDepth, minRemainingStack, callbacks, pagingIoCallbacks, guardSkips, Optional.empty());
    }

    public static Telemetry of(DriverStats s) {
        return new Telemetry(s.maxNestingDepth(), s.minRemainingStack(), s.callbacks(), s.pagingIoCallbacks(),
                s.guardSkips(), Optional.of(new Kinds(s.createCallbacks(), s.cachedReadCallbacks(),
                s.nonCachedReadCallbacks(), s.cachedWriteCallbacks(), s.nonCachedWriteCallbacks())));
    }

    /** Callbacks for everything but paging I/O: the I/O a filter exists to see. */
    public long nonPagingCallbacks() {
        return callbacks - pagingIoCallbacks;
    }

    public boolean stackSeen() {
        return minRemainingStack >= 0;
    }

    public Telemetry plus(Telemetry o) {
        int minStack = !stackSeen() ? o.minRemainingStack : !o.stackSeen() ? minRemainingStack
                : Math.min(minRemainingStack, o.minRemainingStack);
        Optional<Kinds> both = kinds.isPresent() && o.kinds.isPresent()
                ? Optional.of(kinds.get().plus(o.kinds.get())) : Optional.empty();
        return new Telemetry(Math.max(maxNestingDepth, o.maxNestingDepth), minStack, callbacks + o.callbacks,
                pagingIoCallbacks + o.pagingIoCallbacks, guardSkips + o.guardSkips, both);
    }
}
