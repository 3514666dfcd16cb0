package dev.xidlab.cli;

import dev.xidlab.device.Device;
import dev.xidlab.protocol.DriverStats;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code xidlab driver stats}. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = "The driver's telemetry: callbacks, paging I/O, lookups, cache, guard, nesting, stack.",
        footer = ExitCode.FOOTER)
public final class DriverStatsCommand implements Callable<Integer> {

    @CommandLine.Mixin
    DeviceOptions options;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        try (Device device = options.open()) {
            DriverStats s = device.stats();
            if (options.json) {
                JsonOutput.print(spec.commandLine().getOut(), s);
                return ExitCode.OK;
            }
            new TextTable("counter", "value")
                    .row("callbacks", s.callbacks())
                    .row("paging-I/O callbacks", s.pagingIoCallbacks())
                    .row("lookups", s.lookups())
                    .row("lookup failures", s.lookupFailures())
                    .row("cache hits", s.cacheHits())
                    .row("cache misses", s.cacheMisses())
                    .row("guard skips", s.guardSkips())
                    .row("self-test touches", s.selfTestTouches())
                    .row("re-registrations", s.reregistrations())
                    .row("max nesting depth", s.maxNestingDepth())
                    .row("min remaining stack (bytes)", s.stackSeen() ? String.valueOf(s.minRemainingStack())
                            : "not seen")
                    .row("loads", s.loads())
                    .print(spec.commandLine().getOut());
            return ExitCode.OK;
        }
    }
}
