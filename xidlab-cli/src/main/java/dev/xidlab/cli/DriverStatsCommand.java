package dev.xidlab.cli;

import dev.xidlab.device.Device;
import dev.xidlab.protocol.DriverStats;
import dev.xidlab.protocol.Wire;
import java.io.PrintWriter;
import picocli.CommandLine.Command;

/** {@code xidlab driver stats}. */
@Command(name = "stats",
        description = "The driver's telemetry: callbacks, paging I/O, lookups, cache, guard, nesting, stack.")
public final class DriverStatsCommand extends DeviceCommand {

    @Override
    String freshMachineNote() {
        return "boots a new model machine for every command, so these counters cover this command alone (no load"
                + " ran on it); xidlab stress runs a load and reports its telemetry";
    }

    @Override
    int run(Device device, PrintWriter out) {
        DriverStats s = device.stats();
        return report(out, s, () -> new TextTable("counter", "value")
                .row("callbacks", s.callbacks())
                .row("paging-I/O callbacks", s.pagingIoCallbacks())
                .row("callbacks: creates", s.createCallbacks())
                .row("callbacks: cached reads", s.cachedReadCallbacks())
                .row("callbacks: non-cached reads", s.nonCachedReadCallbacks())
                .row("callbacks: cached writes", s.cachedWriteCallbacks())
                .row("callbacks: non-cached writes", s.nonCachedWriteCallbacks())
                .row("lookups", s.lookups())
                .row("lookup failures", s.lookupFailures())
                .row("cache hits", s.cacheHits())
                .row("cache misses", s.cacheMisses())
                .row("guard skips", s.guardSkips())
                .row("self-test touches", s.selfTestTouches())
                .row("self-test touches skipped above depth " + Wire.SELFTEST_MAX_DEPTH, s.selfTestDepthLimited())
                .row("re-registrations", s.reregistrations())
                .row("max nesting depth", s.maxNestingDepth())
                .row("nested paging I/O: paging file", s.nestedPagingFileIo())
                .row("nested paging I/O: driver image", s.nestedImageIo())
                .row("nested paging I/O: other files", s.nestedOtherIo())
                .row("callbacks of untracked depth", s.nestingOverflows())
                .row("cache entries", s.cacheEntries())
                .row("cache drops", s.cacheDrops())
                .row("min remaining stack (bytes)", s.stackSeen() ? String.valueOf(s.minRemainingStack())
                        : "not seen")
                .row("loads", s.loads())
                .print(out));
    }
}
