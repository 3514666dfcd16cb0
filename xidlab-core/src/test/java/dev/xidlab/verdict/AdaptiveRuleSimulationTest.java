package dev.xidlab.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.plan.DefaultPlan;
import dev.xidlab.plan.Plan;
import dev.xidlab.plan.PlannedRun;
import dev.xidlab.plan.Role;
import dev.xidlab.run.Records;
import dev.xidlab.run.RunRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.apache.commons.statistics.inference.AlternativeHypothesis;
import org.apache.commons.statistics.inference.BinomialTest;
import org.junit.jupiter.api.Test;

/**
 * The adaptive rule's error rates, measured: thousands of matrices of the default plan run through the real
 * schedule and verdict, with runs that crash at chosen rates, and the share that ended CONFIRMED counted where
 * CONFIRMED is false. A rate passes when it is not significantly above the stated 5% (a one-sided binomial test at
 * 1%); the same test fails the naive rule (the exact bound looked at after every run), so it can tell.
 * Seeds are fixed: the figures are the same on every run of the suite.
 */
class AdaptiveRuleSimulationTest {

    static final double STATED = RateBounds.ALPHA;
    final Plan plan = DefaultPlan.plan();

    /** Runs one adaptive matrix whose baseline re-enters at {@code baseline} and whose first fix fails at {@code fix}. */
    MatrixSummary simulate(double baseline, double fix, SplittableRandom random) {
        List<RunRecord> records = new ArrayList<>();
        AdaptiveSchedule schedule = new AdaptiveSchedule(plan, VerdictRules.of(plan, true), records);
        String firstFix = plan.configs().get(1).name();
        for (List<PlannedRun> round = schedule.nextRound(); !round.isEmpty(); round = schedule.nextRound()) {
            for (PlannedRun run : round) {
                String c = run.config().name();
                double p = run.config().role() == Role.BASELINE ? baseline : c.equals(firstFix) ? fix : 0;
                RunRecord r = random.nextDouble() >= p ? Records.survived(c, run.run())
                        : run.config().role() == Role.BASELINE ? Records.reentry(c, run.run())
                        : Records.otherCrash(c, run.run());
                records.add(r);
                schedule.record(r);
            }
        }
        return VerdictCalculator.summarize(plan, "sim", records, true);
    }

    static boolean notAboveStated(int falseConfirmations, int matrices) {
        return BinomialTest.withDefaults().with(AlternativeHypothesis.GREATER_THAN)
                .test(matrices, falseConfirmations, STATED).getPValue() > 0.01;
    }

    /** How many of {@code matrices} simulated matrices end with {@code confirmed} true. */
    int count(int matrices, long seed, double baseline, double fix, Predicate<MatrixSummary> confirmed) {
        SplittableRandom random = new SplittableRandom(seed);
        int count = 0;
        for (int i = 0; i < matrices; i++) {
            count += confirmed.test(simulate(baseline, fix, random)) ? 1 : 0;
        }
        return count;
    }

    @Test
    void aFixThatFailsAtTheThresholdIsConfirmedAtMostFivePercentOfTheTime() {
        int matrices = 5_000;
        int confirmed = count(matrices, 14, 1.0, plan.threshold(),
                s -> s.configs().get(1).verdict() == Verdict.CONFIRMED);

        double rate = (double) confirmed / matrices;
        // In theory (1 - 0.10)^29 = 4.7%: 29 clean runs in a row.
        assertEquals(Math.pow(1 - plan.threshold(), 29), rate, 0.01, "measured " + rate);
        assertTrue(notAboveStated(confirmed, matrices), "false confirmations " + rate);
    }

    @Test
    void aBaselineAtTheThresholdConfirmsNoFixMoreThanFivePercentOfTheTime() {
        int matrices = 2_000;
        int confirmed = count(matrices, 15, plan.threshold(), 0, MatrixSummary::confirmed);

        assertTrue(notAboveStated(confirmed, matrices), "false confirmations " + (double) confirmed / matrices);
    }

    @Test
    void aStrongBaselineAndSoundFixesAreConfirmedEveryTimeOnFewerRuns() {
        assertEquals(200, count(200, 17, 1.0, 0, s -> s.confirmed() && s.recordedRuns() == 118));
    }

    @Test
    void lookingAtTheExactBoundAfterEveryRunWouldConfirmFarMoreOftenThanItSays() {
        // What the anytime bound is for: a baseline at the threshold, given the budget an adaptive matrix leaves it
        // (200 runs less four fixes' 29), separates by the exact bound at some look far more often than 5%.
        SplittableRandom random = new SplittableRandom(16);
        int matrices = 4_000;
        int separated = 0;
        for (int i = 0; i < matrices; i++) {
            int events = 0;
            for (int n = 1; n <= 200 - 4 * 29; n++) {
                events += random.nextDouble() < plan.threshold() ? 1 : 0;
                if (RateBounds.exactLowerAbove(events, n, plan.threshold())) {
                    separated++;
                    break;
                }
            }
        }

        assertTrue(!notAboveStated(separated, matrices), "naive false separations " + (double) separated / matrices);
    }
}
