package dev.xidlab.matrix;

import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.stress.StressProfile;

/** One configuration of a plan: the driver's config and the load it runs under. */
public record PlannedConfig(String name, Role role, DriverConfig driver, StressProfile stress) {
}
