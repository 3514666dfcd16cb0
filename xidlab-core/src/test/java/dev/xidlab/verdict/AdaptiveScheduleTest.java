package dev.xidlab.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.plan.DefaultPlan;
import dev.xidlab.plan.Plan;
import dev.xidlab.plan.PlannedRun;
import dev.xidlab.run.Records;
import dev.xidlab.run.RunRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/** Which runs an adaptive matrix does, with runs whose outcome each test chooses. */
class AdaptiveScheduleTest {

    final Plan plan = DefaultPlan.plan();

    /** Runs the schedule to its end, each run ending as {@code outcome} says; returns every record. */
    static List<RunRecord> runAll(Plan plan, List<RunRecord> earlier, BiFunction<String, Integer, RunRecord> outcome) {
        List<RunRecord> records = new ArrayList<>(earlier);
        AdaptiveSchedule schedule = new AdaptiveSchedule(plan, VerdictRules.of(plan, true), records);
        for (List<PlannedRun> round = schedule.nextRound(); !round.isEmpty(); round = schedule.nextRound()) {
            for (PlannedRun run : round) {
                assertEquals(plan.runSeed(run.run()), run.seed(), "run r of every configuration on the same seed");
                RunRecord r = outcome.apply(run.config().name(), run.run());
                records.add(r);
                schedule.record(r);
            }
        }
        return records;
    }

    static long runsOf(List<RunRecord> records, String config) {
        return records.stream().filter(r -> r.config().equals(config)).count();
    }

    static RunRecord fieldCrashesFixesSurvive(String config, int run) {
        return config.equals("field") ? Records.reentry(config, run) : Records.survived(config, run);
    }

    @Test
    void eachConfigurationStopsOnceItsVerdictIsSettled() {
        List<RunRecord> records = runAll(plan, List.of(), AdaptiveScheduleTest::fieldCrashesFixesSurvive);

        assertEquals(2, runsOf(records, "field"), "two re-entry crashes rule out 10% at any time");
        assertEquals(29, runsOf(records, "cached"), "29 clean runs put the fix's bound under 10%");
        MatrixSummary s = VerdictCalculator.summarize(plan, "sim", records, true);
        assertEquals(Verdict.CONFIRMED, s.verdict());
        assertEquals(200 - 2 - 4 * 29, s.runsSaved());
    }

    @Test
    void aFixStopsAtItsFirstFailureAndTheBudgetGoesWhereVerdictsAreOpen() {
        Plan short20 = plan.withRuns(20);     // a budget of 100: 20 runs each would settle no fix
        List<RunRecord> records = runAll(short20, List.of(), (c, r) -> c.equals("guard") ? Records.otherCrash(c, r)
                : fieldCrashesFixesSurvive(c, r));

        assertEquals(1, runsOf(records, "guard"));
        assertEquals(29, runsOf(records, "requestor"), "past the planned 20, on the runs others did not need");
        MatrixSummary s = VerdictCalculator.summarize(short20, "sim", records, true);
        assertEquals(Verdict.NOT_CONFIRMED, s.verdict());
        assertEquals(Verdict.CONFIRMED, s.configs().get(1).verdict());
    }

    @Test
    void aBaselineThatWillNeverSeparateStopsTheMatrix() {
        List<RunRecord> records = runAll(plan, List.of(), Records::survived);

        MatrixSummary s = VerdictCalculator.summarize(plan, "sim", records, true);
        assertTrue(s.runsSaved() > 0, "stopped before the budget: " + records.size());
        assertTrue(RateBounds.anytimeUpper(0, (int) runsOf(records, "field")) < plan.threshold());
        assertEquals(Verdict.NOT_REPRODUCED, s.configs().get(0).verdict());
        assertEquals(Verdict.INCONCLUSIVE, s.verdict());
    }

    @Test
    void theBudgetIsThePlansRunsTimesItsConfigurations() {
        List<RunRecord> records = runAll(plan, List.of(), (c, r) -> c.equals("field") && r % 10 == 0
                ? Records.reentry(c, r) : Records.survived(c, r));

        assertEquals(200, records.size(), "a baseline at the threshold takes what the fixes leave, and no more");
        assertEquals(200 - 4 * 29, runsOf(records, "field"));
        MatrixSummary s = VerdictCalculator.summarize(plan, "sim", records, true);
        assertEquals(0, s.runsSaved());
    }

    @Test
    void aResumedScheduleGoesOnWhereTheRecordsEnd() {
        List<RunRecord> first = runAll(plan.withRuns(4), List.of(), AdaptiveScheduleTest::fieldCrashesFixesSurvive);
        // The same results file resumed with more runs: nothing is done twice.
        List<RunRecord> all = runAll(plan, first, AdaptiveScheduleTest::fieldCrashesFixesSurvive);

        assertEquals(all.size(), all.stream().map(RunRecord::id).distinct().count());
        assertEquals(29, runsOf(all, "skip-paging-io"));
    }

    @Test
    void aLabErrorIsNotARunOfTheDriverAndIsDoneAgain() {
        List<RunRecord> records = runAll(plan, List.of(), (c, r) -> c.equals("cached") && r == 3
                ? Records.labError(c, r) : fieldCrashesFixesSurvive(c, r));

        assertEquals(30, runsOf(records, "cached"));
        assertEquals(Verdict.CONFIRMED, VerdictCalculator.summarize(plan, "sim", records, true).verdict());
    }
}
