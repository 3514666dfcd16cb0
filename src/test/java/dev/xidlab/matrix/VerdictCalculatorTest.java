package dev.xidlab.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class VerdictCalculatorTest {

    final Plan plan = DefaultPlan.plan();

    List<RunRecord> runs(int n, java.util.function.BiFunction<String, Integer, RunRecord> baseline,
                         java.util.function.BiFunction<String, Integer, RunRecord> fixes) {
        List<RunRecord> all = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            for (PlannedConfig c : plan.configs()) {
                all.add(c.role() == Role.BASELINE ? baseline.apply(c.name(), r) : fixes.apply(c.name(), r));
            }
        }
        return all;
    }

    @Test
    void aReproducedBaselineAndCrashFreeFixesAreConfirmed() {
        MatrixSummary s = VerdictCalculator.summarize(plan, "sim", runs(40, Records::reentry, Records::survived));

        assertEquals(Verdict.CONFIRMED, s.verdict());
        assertTrue(s.confirmed());
    }

    @Test
    void aBaselineThatNeverCrashedMakesTheMatrixInconclusiveAndSaysWhy() {
        MatrixSummary s = VerdictCalculator.summarize(plan, "sim", runs(40, Records::survived, Records::survived));

        assertEquals(Verdict.INCONCLUSIVE, s.verdict());
        assertTrue(s.reason().contains("prove nothing about the fixes"), s.reason());
    }

    @Test
    void aBaselineWhoseCrashesAreNotTheReentryCrashDoesNotReproduce() {
        MatrixSummary s = VerdictCalculator.summarize(plan, "sim", runs(40, Records::otherCrash, Records::survived));

        assertEquals(Verdict.NOT_REPRODUCED, s.configs().get(0).verdict());
        assertEquals(40, s.configs().get(0).otherCrashes());
    }

    @Test
    void oneCrashOfAFixIsNotConfirmed() {
        List<RunRecord> all = runs(40, Records::reentry, Records::survived);
        all.set(all.size() - 1, Records.otherCrash("guard", 39));

        MatrixSummary s = VerdictCalculator.summarize(plan, "sim", all);

        assertEquals(Verdict.NOT_CONFIRMED, s.verdict());
        assertEquals("crashed: guard", s.reason());
    }

    @Test
    void tooFewRunsAreInconclusiveWithHowManyMoreAreNeeded() {
        MatrixSummary s = VerdictCalculator.summarize(plan, "sim", runs(20, Records::reentry, Records::survived));

        assertEquals(Verdict.INCONCLUSIVE, s.verdict());
        ConfigResult fix = s.configs().get(1);
        assertEquals(16, fix.moreRunsNeeded());
        assertTrue(fix.reason().contains("16 more crash-free runs needed"), fix.reason());
    }

    @Test
    void labErrorsAreNotRunsOfTheDriver() {
        List<RunRecord> all = runs(40, Records::reentry, Records::survived);
        all.add(Records.labError("cached", 40));

        ConfigResult cached = VerdictCalculator.summarize(plan, "sim", all).configs().get(3);

        assertEquals(40, cached.runs());
        assertEquals(1, cached.labErrors());
        assertEquals(Verdict.CONFIRMED, cached.verdict());
    }

    @Test
    void theRepresentativeCrashIsTheDeepestReentry() {
        MatrixSummary s = VerdictCalculator.summarize(plan, "sim", runs(40, Records::reentry, Records::survived));

        assertEquals(List.of("xidfilter.sys+0x1913"), s.configs().get(0).representativeStack());
        assertEquals(11, s.configs().get(0).telemetry().maxNestingDepth());
    }
}
