package dev.xidlab.plan;

import dev.xidlab.load.StressProfile;
import dev.xidlab.protocol.DriverConfig;

/**
 * One configuration of a plan: the driver's config and the load it runs under. A fix runs the baseline's load, so
 * the two are compared on the same work; {@code ownLoad} (a plan's {@code load: own}) lets it run its own, and
 * then its verdict is at most INCONCLUSIVE, because a lighter load proves nothing about a fix.
 */
public record PlannedConfig(String name, Role role, DriverConfig driver, StressProfile stress, boolean ownLoad) {

    /** A configuration on the comparison's load. */
    public PlannedConfig(String name, Role role, DriverConfig driver, StressProfile stress) {
        this(name, role, driver, stress, false);
    }

    public PlannedConfig {
        if (ownLoad && role == Role.BASELINE) {
            throw new IllegalArgumentException("the baseline's load is the one every fix is compared on: 'load: own'"
                    + " is for fixes");
        }
    }
}
