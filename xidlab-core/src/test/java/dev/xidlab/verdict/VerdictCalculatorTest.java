package dev.xidlab.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.load.Budget;
import dev.xidlab.load.MemoryPressure;
import dev.xidlab.load.StressProfile;
import dev.xidlab.plan.DefaultPlan;
import dev.xidlab.plan.Plan;
import dev.xidlab.plan.PlannedConfig;
import dev.xidlab.plan.Role;
import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.protocol.RegistrationFlag;
import dev.xidlab.protocol.XidMode;
import dev.xidlab.report.ReportWriter;
import dev.xidlab.run.Records;
import dev.xidlab.run.RunRecord;
import dev.xidlab.run.Telemetry;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

class VerdictCalculatorTest {

    final Plan plan = DefaultPlan.plan();

    static List<RunRecord> runs(Plan plan, int n, BiFunction<String, Integer, RunRecord> baseline,
                                BiFunction<String, Integer, RunRecord> fixes) {
        List<RunRecord> all = new ArrayList<>();
        for (int r = 0; r < n; r++) {
            for (PlannedConfig c : plan.configs()) {
                all.add(c.role() == Role.BASELINE ? baseline.apply(c.name(), r) : fixes.apply(c.name(), r));
            }
        }
        return all;
    }

    List<RunRecord> runs(int n, BiFunction<String, Integer, RunRecord> baseline,
                         BiFunction<String, Integer, RunRecord> fixes) {
        return runs(plan, n, baseline, fixes);
    }

    /** The default plan with one more fix. */
    static Plan withFix(PlannedConfig fix) {
        Plan d = DefaultPlan.plan();
        List<PlannedConfig> configs = new ArrayList<>(d.configs());
        configs.add(fix);
        return new Plan("loophole", configs, d.runs(), d.seed(), d.threshold());
    }

    static ConfigResult config(MatrixSummary s, String name) {
        return s.configs().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    /**
     * The result of fix added to the default plan, over 40 runs in which the baseline re-entered every time and
     * every fix survived.
     */
    static ConfigResult judgedBesideTheDefaultPlan(PlannedConfig fix) {
        Plan p = withFix(fix);
        return config(VerdictCalculator.summarize(p, "sim", runs(p, 40, Records::reentry, Records::survived)),
                fix.name());
    }

    @Test
    void aReproducedBaselineAndCrashFreeFixesAreConfirmed() {
        MatrixSummary s = VerdictCalculator.summarize(plan, "sim", runs(40, Records::reentry, Records::survived));

        assertEquals(Verdict.CONFIRMED, s.verdict());
        assertTrue(s.confirmed());
        assertEquals(Verdict.REPRODUCED, s.configs().get(0).verdict());
        assertEquals(Math.pow(0.05, 1.0 / 40), s.configs().get(0).bound(), 1e-9, "the one-sided 95% lower bound");
        assertEquals(1 - Math.pow(0.05, 1.0 / 40), s.configs().get(1).bound(), 1e-9, "the one-sided 95% upper bound");
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
    void aBaselineThatCannotBeToldFromTheThresholdConfirmsNoFix() {
        // The baseline re-entered in 1 run of 40 (2.5%): a fix with 0 of 40 is no better than it, at 10%.
        List<RunRecord> all = runs(40, (c, r) -> r == 7 ? Records.reentry(c, r) : Records.survived(c, r),
                Records::survived);

        MatrixSummary s = VerdictCalculator.summarize(plan, "sim", all);

        assertEquals(Verdict.INCONCLUSIVE, s.verdict());
        ConfigResult baseline = s.configs().get(0);
        assertEquals(Verdict.INCONCLUSIVE, baseline.verdict());
        assertTrue(baseline.reason().contains("its rate (2.5%) is not above the threshold, so more runs will not"
                + " separate it"), baseline.reason());
        ConfigResult fix = s.configs().get(1);
        assertEquals(Verdict.INCONCLUSIVE, fix.verdict());
        assertTrue(fix.reason().contains("the baseline did not reproduce above it"), fix.reason());
        assertEquals(0.5, fix.pValue().orElseThrow(), 1e-12, "Fisher: the runs cannot tell them apart");
    }

    @Test
    void aBaselineAboveTheThresholdButNotYetSeparatedSaysHowManyMoreRunsWould() {
        Plan field = plan.withThreshold(0.05);
        // 3 of 20 (15%): its lower bound (4.2%) is not above 5% yet.
        List<RunRecord> all = runs(field, 20, (c, r) -> r % 7 == 0 ? Records.reentry(c, r) : Records.survived(c, r),
                Records::survived);

        ConfigResult baseline = VerdictCalculator.summarize(field, "sim", all).configs().get(0);

        assertEquals(Verdict.INCONCLUSIVE, baseline.verdict());
        int more = baseline.moreRunsNeeded();
        assertTrue(more > 0, baseline.reason());
        assertTrue(baseline.reason().contains("about " + more + " more runs at the rate seen would separate it"));
        VerdictRules rules = VerdictRules.of(field, false);
        assertTrue(rules.separated((int) Math.floor(0.15 * (20 + more)), 20 + more));
        assertTrue(!rules.separated((int) Math.floor(0.15 * (19 + more)), 19 + more), "the least such number");
    }

    @Test
    void oneCrashOfAFixIsNotConfirmed() {
        List<RunRecord> all = runs(40, Records::reentry, Records::survived);
        all.set(all.size() - 1, Records.otherCrash("guard", 39));

        MatrixSummary s = VerdictCalculator.summarize(plan, "sim", all);

        assertEquals(Verdict.NOT_CONFIRMED, s.verdict());
        assertEquals("failed: guard", s.reason());
    }

    @Test
    void aHangCountsAgainstAFixLikeACrash() {
        List<RunRecord> all = runs(40, Records::reentry, Records::survived);
        all.set(all.size() - 2, Records.hung("cached", 39));

        MatrixSummary s = VerdictCalculator.summarize(plan, "sim", all);

        ConfigResult cached = config(s, "cached");
        assertEquals(Verdict.NOT_CONFIRMED, cached.verdict());
        assertEquals("0 re-entry crashes, 0 other crashes and 1 hangs in 40 runs", cached.reason());
        assertEquals(Verdict.NOT_CONFIRMED, s.verdict());
    }

    @Test
    void theBaselinesHangsAreReportedBesideItsCrashesNotCounted() {
        List<RunRecord> all = runs(40, (c, r) -> r < 2 ? Records.hung(c, r) : Records.reentry(c, r),
                Records::survived);

        ConfigResult baseline = VerdictCalculator.summarize(plan, "sim", all).configs().get(0);

        assertEquals(2, baseline.hangs());
        assertEquals(38, baseline.reentryCrashes());
        assertEquals(38.0 / 40, baseline.rate(), 1e-12);
        assertTrue(baseline.reason().contains("not counted: 0 other crashes, 2 hangs"), baseline.reason());
    }

    @Test
    void aFilterThatNoLongerSeesTheIoIsBlindNotConfirmed() {
        Plan p = withFix(new PlannedConfig("skip-non-dasd", Role.FIX, DriverConfig.fieldDefault()
                .withRegistrationForAll(Set.of(RegistrationFlag.SKIP_NON_DASD_IO)), DefaultPlan.stress()));
        // What the model's telemetry shows for it: not one callback in 20,000 operations.
        List<RunRecord> all = runs(p, 40, Records::reentry, (c, r) -> c.equals("skip-non-dasd")
                ? RunRecord.survived(Records.slot(c, r), 20000, 5, new Telemetry(0, -1, 0, 0, 0))
                : Records.survived(c, r));

        MatrixSummary s = VerdictCalculator.summarize(p, "sim", all);

        ConfigResult blind = config(s, "skip-non-dasd");
        assertEquals(Verdict.BLIND, blind.verdict());
        assertEquals(1.0, blind.coverage().orElseThrow().lost(), 1e-12);
        assertTrue(blind.reason().contains("100.0% of them lost, more than the 5.0% allowed"), blind.reason());
        assertEquals(Verdict.BLIND, s.verdict());
        assertTrue(!s.confirmed(), "a blind fix never exits 0");
    }

    @Test
    void aFixThatLosesLessThanTheAllowedShareStillCounts() {
        Plan p = withFix(new PlannedConfig("skip-some", Role.FIX, DriverConfig.fieldDefault(), DefaultPlan.stress()));
        List<RunRecord> all = runs(p, 40, Records::reentry, (c, r) -> c.equals("skip-some")
                ? RunRecord.survived(Records.slot(c, r), 20000, 5, new Telemetry(1, 20000, 19200, 0, 0))
                : Records.survived(c, r));

        ConfigResult some = config(VerdictCalculator.summarize(p, "sim", all), "skip-some");

        assertEquals(0.04, some.coverage().orElseThrow().lost(), 1e-12);
        assertEquals(Verdict.CONFIRMED, some.verdict());
        assertEquals(0.0, some.perOperation().orElseThrow().pagingIoCallbacks(), "its cost, shown apart");
    }

    /** A run of 20,000 operations whose driver split its callbacks by kind: 4% of them reads, or none seen. */
    static RunRecord survivedSeeing(String config, int run, boolean reads) {
        Telemetry.Kinds kinds = new Telemetry.Kinds(9600, reads ? 560 : 0, reads ? 240 : 0, 6720, 2880);
        long seen = kinds.counts().stream().mapToLong(Long::longValue).sum();
        return RunRecord.survived(Records.slot(config, run), 20000, 5,
                new Telemetry(1, 20000, seen, 0, 0, Optional.of(kinds)));
    }

    @Test
    void aFixThatSeesNoneOfAKindIsBlindWhateverItsShareOfTheLoad() {
        Plan p = withFix(new PlannedConfig("no-reads", Role.FIX, DriverConfig.fieldDefault(), DefaultPlan.stress()));
        List<RunRecord> all = runs(p, 40, (c, r) -> survivedSeeing(c, r, true),
                (c, r) -> survivedSeeing(c, r, !c.equals("no-reads")));

        ConfigResult noReads = config(VerdictCalculator.summarize(p, "sim", all), "no-reads");

        assertEquals(0.04, noReads.coverage().orElseThrow().lost(), 1e-9, "in all it loses only 4%");
        assertEquals(Verdict.BLIND, noReads.verdict());
        assertTrue(noReads.reason().startsWith("it no longer sees cached reads (100.0% of them lost) and non-cached"
                + " reads (100.0% of them lost)"), noReads.reason());
    }

    @Test
    void aKindTheBaselineSawOnlyAFewTimesIsNotJudgedOnNoise() {
        // The baseline crashed early in every run: its 2 non-cached writes are 1 in 30 operations, the fix's 1 in 40.
        Coverage.Kind writes = new Coverage.Kind("non-cached writes", 2, 60, 500, 20000, 0.25);
        Coverage.Kind none = new Coverage.Kind("non-cached writes", 40, 2000, 0, 20000, 1.0);

        assertTrue(!writes.lostMoreThan(0.05), "2 callbacks cannot tell 25% lost from 5%");
        assertTrue(none.lostMoreThan(0.05), "40 callbacks of a kind the fix never saw can");
    }

    @Test
    void aFixWhoseModeIsOffIsBlind() {
        ConfigResult off = judgedBesideTheDefaultPlan(new PlannedConfig("off", Role.FIX,
                DriverConfig.fieldDefault().withXidMode(XidMode.OFF), DefaultPlan.stress()));

        assertEquals(Verdict.BLIND, off.verdict());
        assertTrue(off.reason().startsWith("its Xid mode is off"), off.reason());
    }

    @Test
    void aFixOnALoadOfItsOwnIsAtMostInconclusive() {
        StressProfile lighter = new StressProfile(4, 32, DefaultPlan.stress().mix(), MemoryPressure.NONE,
                Budget.ofOperations(31));
        PlannedConfig onItsOwnLoad = new PlannedConfig("lighter", Role.FIX, DriverConfig.fieldDefault(), lighter, true);

        ConfigResult own = judgedBesideTheDefaultPlan(onItsOwnLoad);

        assertEquals(Verdict.INCONCLUSIVE, own.verdict());
        assertTrue(own.reason().contains("compared across loads"), own.reason());
    }

    @Test
    void aFixIsNotConfirmedWhenWhatItSeesCannotBeMeasured() {
        // A VM lab reads no counters from a machine that bugchecked: a baseline that always crashes leaves none.
        List<RunRecord> all = runs(40, (c, r) -> {
            RunRecord crash = Records.reentry(c, r);
            return RunRecord.bugchecked(crash.slot(), crash.crash().orElseThrow(), 0, 1, Optional.empty(),
                    Optional.empty());
        }, Records::survived);

        ConfigResult fix = VerdictCalculator.summarize(plan, "sim", all).configs().get(1);

        assertEquals(Verdict.INCONCLUSIVE, fix.verdict());
        assertTrue(fix.reason().contains("the baseline left no telemetry"), fix.reason());
    }

    @Test
    void tooFewRunsAreInconclusiveWithHowManyMoreAreNeeded() {
        MatrixSummary s = VerdictCalculator.summarize(plan, "sim", runs(20, Records::reentry, Records::survived));

        assertEquals(Verdict.INCONCLUSIVE, s.verdict());
        ConfigResult fix = s.configs().get(1);
        assertEquals(9, fix.moreRunsNeeded());
        assertTrue(fix.reason().contains("9 more crash-free runs needed"), fix.reason());
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
    void aLabErrorAfterTheLoadStartedIsARunAndAFailureOfTheFix() {
        List<RunRecord> all = runs(40, Records::reentry, Records::survived);
        all.set(all.size() - 2, Records.labErrorAfterLoad("cached", 39));

        ConfigResult cached = config(VerdictCalculator.summarize(plan, "sim", all), "cached");

        assertEquals(40, cached.runs());
        assertEquals(0, cached.labErrors(), "not excused");
        assertEquals(1, cached.labErrorsAfterLoad());
        assertEquals(Verdict.NOT_CONFIRMED, cached.verdict());
        assertTrue(cached.reason().contains("1 lab errors after the load started"), cached.reason());
        assertEquals("1 (1 after load)", ReportWriter.cells(cached).get(ReportWriter.COLUMNS.indexOf("lab errors")));
    }

    @Test
    void aLabErrorAfterTheLoadStartedIsARunOfTheBaselineWithoutItsCrash() {
        List<RunRecord> all = runs(40, (c, r) -> r == 0 ? Records.labErrorAfterLoad(c, r) : Records.reentry(c, r),
                Records::survived);

        ConfigResult baseline = VerdictCalculator.summarize(plan, "sim", all).configs().get(0);

        assertEquals(40, baseline.runs());
        assertEquals(39, baseline.reentryCrashes());
        assertTrue(baseline.reason().contains("1 lab errors after the load started"), baseline.reason());
    }

    @Test
    void aFixWithMoreExcusedLabErrorsThanTheAllowedShareIsAtMostInconclusive() {
        List<RunRecord> all = runs(40, Records::reentry, Records::survived);
        for (int r = 40; r < 45; r++) {
            all.add(Records.labError("cached", r));         // 5 of 45 attempted: 11.1%, over 10%
        }

        ConfigResult cached = config(VerdictCalculator.summarize(plan, "sim", all), "cached");

        assertEquals(40, cached.runs());
        assertEquals(Verdict.INCONCLUSIVE, cached.verdict());
        assertTrue(cached.reason().contains("5 of its 45 runs were lab errors excused before the load started, more"
                + " than the 10.0% allowed"), cached.reason());
    }

    @Test
    void aFixWithExcusedLabErrorsUpToTheShareKeepsItsVerdict() {
        List<RunRecord> all = runs(40, Records::reentry, Records::survived);
        for (int r = 40; r < 44; r++) {
            all.add(Records.labError("cached", r));         // 4 of 44 attempted: 9.1%
        }

        assertEquals(Verdict.CONFIRMED, config(VerdictCalculator.summarize(plan, "sim", all), "cached").verdict());
    }

    @Test
    void aBaselineWithMoreExcusedLabErrorsThanTheAllowedShareDoesNotReproduce() {
        List<RunRecord> all = runs(40, Records::reentry, Records::survived);
        for (int r = 40; r < 45; r++) {
            all.add(Records.labError("field", r));
        }

        MatrixSummary s = VerdictCalculator.summarize(plan, "sim", all);

        assertEquals(Verdict.INCONCLUSIVE, s.configs().get(0).verdict());
        assertEquals(Verdict.INCONCLUSIVE, s.verdict());
    }

    @Test
    void aPlanWithOnlyABaselineIsInconclusive() {
        Plan alone = new Plan("alone", List.of(plan.baseline()), 40, 1, 0.1);

        MatrixSummary s = VerdictCalculator.summarize(alone, "sim", runs(alone, 40, Records::reentry,
                Records::survived));

        assertEquals(Verdict.REPRODUCED, s.configs().get(0).verdict());
        assertEquals(Verdict.INCONCLUSIVE, s.verdict());
        assertTrue(s.reason().startsWith("the plan has no fix"), s.reason());
    }

    @Test
    void thePValueBesideAFixIsMcNemarsOnTheRunsPairedBySeed() {
        // The baseline re-entered in runs 0-9; the fix failed in runs 0 and 1, the same loads: 8 pairs tell them
        // apart, all the baseline's way.
        List<RunRecord> all = runs(40, (c, r) -> r < 10 ? Records.reentry(c, r) : Records.survived(c, r),
                (c, r) -> c.equals("cached") && r < 2 ? Records.otherCrash(c, r) : Records.survived(c, r));

        MatrixSummary s = VerdictCalculator.summarize(plan, "sim", all);

        assertEquals(Math.pow(0.5, 8), config(s, "cached").pValue().orElseThrow(), 1e-12);
        assertEquals(Math.pow(0.5, 10), config(s, "guard").pValue().orElseThrow(), 1e-12);
        assertTrue(s.configs().get(0).pValue().isEmpty(), "none beside the baseline");
    }

    @Test
    void adaptiveRunsReportNoPValue() {
        MatrixSummary s = VerdictCalculator.summarize(plan, "sim", runs(29, Records::reentry, Records::survived),
                true);

        assertTrue(s.configs().stream().allMatch(c -> c.pValue().isEmpty()), "stopped samples give no p-value");
    }

    @Test
    void chosenAmongFixesAFixNeedsTheCleanRunsOfHolmsProcedure() {
        Plan choose = plan.withChooseAmongFixes(true);

        MatrixSummary forty = VerdictCalculator.summarize(choose, "sim", runs(40, Records::reentry,
                Records::survived));
        MatrixSummary fortyTwo = VerdictCalculator.summarize(choose, "sim", runs(42, Records::reentry,
                Records::survived));

        assertEquals(Verdict.INCONCLUSIVE, forty.verdict(), "0.9^40 = 1.48% is not under 5% / 4");
        ConfigResult fix = forty.configs().get(1);
        assertTrue(fix.reason().contains("by Holm's procedure over the 4 fixes: 2 more crash-free runs needed"),
                fix.reason());
        assertEquals(Verdict.CONFIRMED, fortyTwo.verdict(), "0.9^42 = 1.2% is");
        assertTrue(fortyTwo.chooseAmongFixes());
    }

    @Test
    void holmsProcedureStepsDownFromTheLeastPValueAndStopsAtTheFirstItKeeps() {
        VerdictRules rules = VerdictRules.of(plan.withChooseAmongFixes(true), false);

        assertEquals(List.of(true, false, false, false), rules.holm(List.of(0.01, 0.02, 0.04, 0.2)),
                "0.01 < 5%/4, but 0.02 is not under 5%/3");
        assertEquals(List.of(true, true, true, true), rules.holm(List.of(0.03, 0.001, 0.02, 0.012)));
        assertEquals(List.of(false, false, false, false), rules.holm(List.of(0.013, 0.013, 0.013, 0.013)));
    }

    @Test
    void theReportsSayEachFixsVerdictHoldsOnItsOwnUnlessChosenAmong() {
        MatrixSummary own = VerdictCalculator.summarize(plan, "sim", runs(40, Records::reentry, Records::survived));
        MatrixSummary chosen = VerdictCalculator.summarize(plan.withChooseAmongFixes(true), "sim",
                runs(42, Records::reentry, Records::survived));

        assertTrue(ReportWriter.legend(own).endsWith("Each fix's verdict holds at 5% on its own."));
        assertTrue(own.rules().stream().anyMatch(r -> r.startsWith("Each fix's verdict holds at 5% on its own")));
        assertTrue(ReportWriter.legend(chosen).endsWith("every CONFIRMED holds at 5% for all of them together"
                + " (Holm)."));
    }

    @Test
    void theRepresentativeCrashIsTheDeepestReentry() {
        MatrixSummary s = VerdictCalculator.summarize(plan, "sim", runs(40, Records::reentry, Records::survived));

        assertEquals(List.of("xidfilter.sys+0x1913"), s.configs().get(0).representativeStack());
        assertEquals(11, s.configs().get(0).telemetry().maxNestingDepth());
    }

    @Test
    void theSummaryStatesTheRulesItWasGivenBy() {
        MatrixSummary s = VerdictCalculator.summarize(plan, "sim", runs(40, Records::reentry, Records::survived));

        assertEquals(VerdictRules.of(plan, false).text(), s.rules());
        assertTrue(s.rules().stream().anyMatch(r -> r.contains("at least 29 clean runs")), s.rules().toString());
    }
}
