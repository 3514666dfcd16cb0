package dev.xidlab.lab;

import dev.xidlab.protocol.DriverStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** How one stress run on a lab ended. */
public sealed interface RunOutcome {

    Duration elapsed();

    /** The budget was spent and the machine is still up. */
    record Survived(long operations, Duration elapsed, DriverStats stats) implements RunOutcome {
    }

    /**
     * The machine bugchecked. {@code dump} is the crash dump collected (if one was written); {@code stats} the
     * driver's telemetry as last seen (the model knows it at the crash; a real machine may not).
     */
    record Bugchecked(long code, List<Long> parameters, Optional<Path> dump, List<Path> evidence,
                      long operations, Duration elapsed, Optional<DriverStats> stats) implements RunOutcome {

        public Bugchecked {
            parameters = List.copyOf(parameters);
            evidence = List.copyOf(evidence);
        }
    }

    /** The lab itself failed (boot, deploy, transport): the run says nothing about the driver. */
    record LabFailure(String reason, Duration elapsed) implements RunOutcome {
    }
}
