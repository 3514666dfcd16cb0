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
    void theFieldPlansFingerprintIsTheOneItsResultsFilesCarry() throws Exception {
        // Pinned before configurations could bring a foreign driver, a probe or a control: those are added to the
        // fingerprint only when a plan has them, so the results files of plans without them still resume.
        assertEquals("143b3ee179144efdd745bb4e", PlanReader.read(java.nio.file.Path.of("plans/field.yaml")).fingerprint());
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
