package dev.xidlab.matrix;

import dev.xidlab.protocol.DriverStats;

/**
 * The driver's counters that a verdict reads, for one run or summed over runs.
 *
 * @param maxNestingDepth   the deepest the filter's pre-operation callback was nested on one thread, counted by the
 *                          driver itself ("callback nesting"); the highest of the runs when summed
 * @param minRemainingStack the least kernel stack left in a callback, in bytes; -1 when no callback ran
 * @param callbacks         pre-operation callbacks, paging I/O included
 * @param pagingIoCallbacks the callbacks for paging I/O
 */
public record Telemetry(int maxNestingDepth, int minRemainingStack, long callbacks, long pagingIoCallbacks,
                        long guardSkips) {

    public static final Telemetry NONE = new Telemetry(0, -1, 0, 0, 0);

    public static Telemetry of(DriverStats s) {
        return new Telemetry(s.maxNestingDepth(), s.minRemainingStack(), s.callbacks(), s.pagingIoCallbacks(),
                s.guardSkips());
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
        return new Telemetry(Math.max(maxNestingDepth, o.maxNestingDepth), minStack, callbacks + o.callbacks,
                pagingIoCallbacks + o.pagingIoCallbacks, guardSkips + o.guardSkips);
    }
}
