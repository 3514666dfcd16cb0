package dev.xidlab.plan;

import dev.xidlab.load.Budget;
import dev.xidlab.load.OperationMix;
import dev.xidlab.load.StressProfile;
import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.protocol.GuardFlag;
import dev.xidlab.site.Environment;
import dev.xidlab.site.MachineProfile;
import java.util.ArrayList;
import java.util.List;

/**
 * The plan for one customer's machine: the built-in plan's baseline and fixes, plus a low-stack guard, under a load
 * sized to the machine, with the machine's {@code environment:} so the lab stands for it.
 */
public final class SitePlan {

    /**
     * The low-stack guard's threshold in the site plan: the least the driver accepts that still fits one level of
     * re-entry on the model's own stack (a level costs 0x860 bytes there). A filter above ours at the site spends
     * its frame before our callback can look at the stack, so whether this guard holds depends on the site.
     */
    public static final int GUARD_STACK = 0x900;

    private SitePlan() {
    }

    /** The built-in plan's configurations and run count, for this machine. */
    public static Plan of(MachineProfile machine) {
        StressProfile stress = stress(machine.environment());
        List<PlannedConfig> configs = new ArrayList<>();
        for (PlannedConfig c : DefaultPlan.plan().configs()) {
            configs.add(new PlannedConfig(c.name(), c.role(), c.driver(), stress));
        }
        configs.add(new PlannedConfig("low-stack-guard", Role.FIX, DriverConfig.fieldDefault()
                .withGuard(java.util.Set.of(GuardFlag.LOW_STACK), GUARD_STACK), stress));
        return new Plan(machine.name(), configs, DefaultPlan.RUNS, DefaultPlan.SEED, DefaultPlan.THRESHOLD,
                Plan.DEFAULT_MAX_COVERAGE_LOSS).withEnvironment(machine.environment());
    }

    /**
     * A load for the machine: two workers per processor (one can wait on paging I/O while the other keeps the
     * processor's callbacks coming), at least the built-in plan's 4 and at most 64; eight processes per worker, at
     * least 32, so the lookups spread over as many CID table pages as the built-in load's; memory pressure high,
     * since a site's crash needs the CID table paged out whatever its memory; the built-in operation budget.
     */
    public static StressProfile stress(Environment site) {
        StressProfile base = DefaultPlan.stress();
        int processors = site.processors().orElse(2);
        int workers = Math.max(base.workers(), Math.min(64, 2 * processors));
        int processes = Math.max(base.processes(), Math.min(4096, 8 * workers));
        return new StressProfile(workers, processes, OperationMix.typical(), base.pressure(),
                Budget.ofOperations(base.budget().operations()));
    }
}
