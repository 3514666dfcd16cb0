package dev.xidlab.plan;

import dev.xidlab.lab.ForeignDriver;
import dev.xidlab.load.StressProfile;
import dev.xidlab.protocol.DriverConfig;
import java.util.Optional;

/**
 * One configuration of a plan: the driver's config and the load it runs under. A fix runs the baseline's load, so
 * the two are compared on the same work; {@code ownLoad} (a plan's {@code load: own}) lets it run its own, and
 * then its verdict is at most INCONCLUSIVE, because a lighter load proves nothing about a fix.
 *
 * @param foreign the user's driver package run instead of xidfilter ({@code driver:}); {@code driver} is then unused
 * @param probe   a command the guest runs after each run's load, exit 0 when the filter still does its job
 */
public record PlannedConfig(String name, Role role, DriverConfig driver, StressProfile stress, boolean ownLoad,
                            Optional<ForeignDriver> foreign, Optional<String> probe) {

    /** A configuration on the comparison's load. */
    public PlannedConfig(String name, Role role, DriverConfig driver, StressProfile stress) {
        this(name, role, driver, stress, false);
    }

    /** An xidfilter configuration without a probe. */
    public PlannedConfig(String name, Role role, DriverConfig driver, StressProfile stress, boolean ownLoad) {
        this(name, role, driver, stress, ownLoad, Optional.empty(), Optional.empty());
    }

    public PlannedConfig {
        if (ownLoad && role != Role.FIX) {
            throw new IllegalArgumentException("the baseline's load is the one every fix is compared on: 'load: own'"
                    + " is for fixes");
        }
        if (role == Role.CONTROL && foreign.isPresent()) {
            throw new IllegalArgumentException("the control is xidfilter in lookup mode: it has no driver package");
        }
        if (role == Role.CONTROL && probe.isPresent()) {
            throw new IllegalArgumentException("the control is xidfilter, whose telemetry is its coverage: it has no"
                    + " probe");
        }
    }

    /** The same configuration on another load. */
    public PlannedConfig withStress(StressProfile load) {
        return new PlannedConfig(name, role, driver, load, ownLoad, foreign, probe);
    }
}
