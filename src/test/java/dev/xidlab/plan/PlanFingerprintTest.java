package dev.xidlab.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.xidlab.device.ModelOptions;
import org.junit.jupiter.api.Test;

/** A plan's fingerprint decides whether --resume accepts a results file: it must not drift between versions. */
class PlanFingerprintTest {

    @Test
    void theDefaultPlansFingerprintIsTheOneEarlierResultsFilesCarry() {
        // Written into results.jsonl headers by the versions before the VM lab; a change here refuses their resume.
        assertEquals("a6b420ab09e051a0b82e8ddd", DefaultPlan.plan().fingerprint());
    }

    @Test
    void runsAndThresholdAreNotPartOfIt() {
        assertEquals(DefaultPlan.plan().fingerprint(), DefaultPlan.plan().withRuns(3).withThreshold(0.2).fingerprint());
    }

    @Test
    void theSeedIs() {
        assertNotEquals(DefaultPlan.plan().fingerprint(), DefaultPlan.plan().withSeed(2).fingerprint());
    }

    @Test
    void theKernelModelsOptionsAreWhenTheyAreNotTheDefaults() {
        Plan plan = DefaultPlan.plan();

        assertEquals(plan.fingerprint(), plan.withModel(ModelOptions.DEFAULTS).fingerprint());
        assertNotEquals(plan.fingerprint(), plan.withModel(ModelOptions.DEFAULTS
                .withSameThreadFault(ModelOptions.SameThreadFault.WAIT)).fingerprint());
    }
}
