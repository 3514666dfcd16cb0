package dev.xidlab.verdict;

import dev.xidlab.plan.Percent;
import dev.xidlab.plan.Plan;
import dev.xidlab.plan.PlannedConfig;
import dev.xidlab.plan.Role;
import dev.xidlab.protocol.XidMode;
import dev.xidlab.run.RunRecord;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Predicate;

/**
 * Turns recorded runs into verdicts by the {@link VerdictRules}: the baseline must separate from the threshold
 * (reproduce the re-entry crash more often than it, at 95%), and a fix must never fail, still see the I/O the
 * baseline sees, run the baseline's load, and fail less often than the threshold at 95%. Whatever is not settled
 * says how many more runs would settle it.
 */
public final class VerdictCalculator {

    /** Why no fix is CONFIRMED when the positive control did not reproduce. */
    static final String CONTROL_FAILED = "the control did not reproduce: this lab and load cannot show this crash";
    /** Why a foreign fix without a probe is at most INCONCLUSIVE. */
    static final String NO_PROBE = "coverage not measured: give a probe";

    private VerdictCalculator() {
    }

    /** What a fix's verdict needs beside its own tally. */
    private record Context(boolean baselineReproduced, boolean controlFailed, Probes probes) {
    }

    /**
     * A configuration's probe results over its counted runs: failed after the load, or missing from a run that
     * survived (a crashed or hung run's machine was not up to run it, and that run is a failure already).
     */
    record Probes(int failed, int missing) {

        static Probes of(PlannedConfig c, List<RunRecord> records) {
            int failed = 0;
            int missing = 0;
            for (RunRecord r : records) {
                if (r.config().equals(c.name()) && !r.excusedLabError()) {
                    failed += r.probeFailed() ? 1 : 0;
                    missing += c.probe().isPresent() && r.probe().isEmpty() && !r.failed() ? 1 : 0;
                }
            }
            return new Probes(failed, missing);
        }
    }

    /** The verdict of a matrix whose runs were planned in advance. */
    public static MatrixSummary summarize(Plan plan, String lab, List<RunRecord> records) {
        return summarize(plan, lab, records, false);
    }

    public static MatrixSummary summarize(Plan plan, String lab, List<RunRecord> records, boolean adaptive) {
        VerdictRules rules = VerdictRules.of(plan, adaptive);
        Map<String, Tally> tallies = tallies(plan, records);
        Tally base = tallies.get(plan.baseline().name());
        ConfigResult baseline = baseline(plan.baseline(), base, rules);
        // The positive control is judged as a baseline is; when it does not reproduce, no fix can be CONFIRMED.
        Optional<ConfigResult> control = plan.control().map(c -> baseline(c, tallies.get(c.name()), rules));
        boolean controlFailed = control.filter(c -> c.verdict() != Verdict.REPRODUCED).isPresent();
        List<PlannedConfig> candidates = plan.configs().stream().filter(c -> c.role() == Role.FIX).toList();
        List<Boolean> held = rules.holm(candidates.stream().map(c -> tallies.get(c.name()))
                .map(t -> rules.fixPValue(t.failures(), t.runs())).toList());
        List<ConfigResult> results = new ArrayList<>();
        for (PlannedConfig c : plan.configs()) {
            results.add(c.role() == Role.BASELINE ? baseline : c.role() == Role.CONTROL ? control.orElseThrow()
                    : fix(c, tallies.get(c.name()), base, new Context(baseline.verdict() == Verdict.REPRODUCED,
                    controlFailed, Probes.of(c, records)), rules, held.get(candidates.indexOf(c)),
                    adaptive ? Optional.empty() : paired(plan, c, records)));
        }
        List<ConfigResult> fixes = results.stream().filter(r -> r.role() == Role.FIX).toList();

        Verdict verdict;
        String reason;
        if (fixes.stream().anyMatch(f -> f.verdict() == Verdict.NOT_CONFIRMED)) {
            verdict = Verdict.NOT_CONFIRMED;
            reason = "failed: " + names(fixes, f -> f.verdict() == Verdict.NOT_CONFIRMED);
        } else if (fixes.stream().anyMatch(f -> f.verdict() == Verdict.BLIND)) {
            verdict = Verdict.BLIND;
            reason = "blind (stopped the crash by not seeing the I/O): "
                    + names(fixes, f -> f.verdict() == Verdict.BLIND);
        } else if (fixes.isEmpty()) {
            verdict = Verdict.INCONCLUSIVE;
            reason = "the plan has no fix: CONFIRMED needs at least one (a baseline alone measures its rate, and"
                    + " confirms nothing)";
        } else if (controlFailed) {
            verdict = Verdict.INCONCLUSIVE;
            reason = CONTROL_FAILED + ": " + control.get().reason();
        } else if (baseline.verdict() != Verdict.REPRODUCED) {
            verdict = Verdict.INCONCLUSIVE;
            reason = "the baseline: " + baseline.reason();
        } else if (fixes.stream().allMatch(f -> f.verdict() == Verdict.CONFIRMED)) {
            verdict = Verdict.CONFIRMED;
            reason = "the baseline reproduced the re-entry crash above the threshold, and every fix held below it on"
                    + " the same load, seeing what the baseline sees";
        } else {
            verdict = Verdict.INCONCLUSIVE;
            reason = "not settled: " + names(fixes, f -> f.verdict() == Verdict.INCONCLUSIVE);
        }
        int planned;
        int saved = 0;
        if (adaptive) {
            AdaptiveSchedule schedule = new AdaptiveSchedule(plan, rules, records);
            planned = schedule.budget();
            saved = schedule.finished() ? schedule.budget() - schedule.attempted() : 0;
        } else {
            planned = plan.configs().size() * plan.runs();
        }
        return new MatrixSummary(plan.name(), plan.fingerprint(), lab, plan.threshold(), plan.maxCoverageLoss(),
                plan.chooseAmongFixes(), adaptive, planned, records.size(), Math.max(0, saved), verdict, reason,
                results, rules.text(), plan.modelOn(lab),
                records.stream().filter(RunRecord::labError).map(MatrixSummary.LabError::of).toList());
    }

    static Map<String, Tally> tallies(Plan plan, List<RunRecord> records) {
        Map<String, Tally> tallies = new LinkedHashMap<>();
        for (PlannedConfig c : plan.configs()) {
            tallies.put(c.name(), new Tally());
        }
        for (RunRecord r : records) {
            Tally t = tallies.get(r.config());
            if (t != null) {
                t.add(r);
            }
        }
        return tallies;
    }

    private static ConfigResult baseline(PlannedConfig config, Tally t, VerdictRules rules) {
        int x = t.reentry();
        int n = t.runs();
        double bound = rules.baselineBound(x, n);
        String beside = t.hangs() + t.otherCrashes() + t.labErrorsAfterLoad() == 0 ? ""
                : String.format(Locale.ROOT, " (beside them, not counted: %d other crashes, %d hangs%s)",
                t.otherCrashes(), t.hangs(), t.labErrorsAfterLoad() == 0 ? "" : ", " + t.labErrorsAfterLoad()
                        + " lab errors after the load started");
        Verdict verdict;
        String reason;
        int more = 0;
        if (rules.separated(x, n) && rules.tooManyExcused(t)) {
            verdict = Verdict.INCONCLUSIVE;
            reason = String.format(Locale.ROOT, "%d of %d runs ended in the re-entry crash, above the threshold, but"
                    + " %s", x, n, excused(t, rules)) + beside;
        } else if (rules.separated(x, n)) {
            verdict = Verdict.REPRODUCED;
            reason = String.format(Locale.ROOT, "%d of %d runs ended in the re-entry crash: rate %s, above the"
                    + " threshold %s", x, n, boundText(Role.BASELINE, bound), pct(rules.threshold())) + beside;
        } else if (x == 0) {
            verdict = Verdict.NOT_REPRODUCED;
            reason = "the " + config.role().label() + " never hit the re-entry crash in " + n + " runs" + beside
                    + ", so the runs prove nothing about the fixes: raise the memory pressure or the budget, or check"
                    + " that the lab sees re-entry at all (self-test)";
        } else {
            verdict = Verdict.INCONCLUSIVE;
            OptionalInt toSeparate = rules.baselineRunsToSeparate(x, n);
            more = toSeparate.orElse(0);
            String how = toSeparate.isPresent()
                    ? "about " + more + " more runs at the rate seen would separate it"
                    : String.format(Locale.ROOT, "its rate (%s) is not above the threshold, so more runs will not"
                    + " separate it: make it reproduce more often (pressure, processes, budget), or lower"
                    + " --threshold under %s (a fix then needs %d clean runs)", pct((double) x / n), pct(bound),
                    bound > 0 ? RateBounds.cleanTrialsToBound(bound) : 0);
            reason = String.format(Locale.ROOT, "%d of %d runs ended in the re-entry crash, but its lower bound %s"
                    + " is not above the threshold %s, so the runs cannot tell a fix from it; %s", x, n, pct(bound),
                    pct(rules.threshold()), how) + beside;
        }
        return result(config, t, bound, (double) x / Math.max(1, n), Optional.empty(), Optional.empty(), verdict,
                reason, more);
    }

    /**
     * McNemar's exact test of a fix against the baseline on the runs both did with the same seed (run r of each):
     * the pairs where the baseline re-entered and the fix held, against those where the fix failed and the
     * baseline did not. Empty without a pair.
     */
    private static Optional<Double> paired(Plan plan, PlannedConfig fix, List<RunRecord> records) {
        Map<Integer, RunRecord> baseline = new LinkedHashMap<>();
        Map<Integer, RunRecord> fixed = new LinkedHashMap<>();
        for (RunRecord r : records) {
            if (!r.excusedLabError()) {
                if (r.config().equals(plan.baseline().name())) {
                    baseline.put(r.slot().run(), r);
                } else if (r.config().equals(fix.name())) {
                    fixed.put(r.slot().run(), r);
                }
            }
        }
        int baselineOnly = 0;
        int fixOnly = 0;
        int pairs = 0;
        for (Map.Entry<Integer, RunRecord> b : baseline.entrySet()) {
            RunRecord f = fixed.get(b.getKey());
            if (f != null) {
                pairs++;
                baselineOnly += b.getValue().isReentry() && !f.failed() ? 1 : 0;
                fixOnly += f.failed() && !b.getValue().isReentry() ? 1 : 0;
            }
        }
        return pairs == 0 ? Optional.empty() : Optional.of(RateBounds.mcnemarPValue(baselineOnly, fixOnly));
    }

    /**
     * @param held by Holm's procedure over the fixes, its failing at the threshold is rejected (read only when the
     *             fixes are chosen among; otherwise its own bound decides)
     * @param p    McNemar's p-value beside it (empty for adaptive runs)
     */
    private static ConfigResult fix(PlannedConfig config, Tally t, Tally base, Context context,
                                    VerdictRules rules, boolean held, Optional<Double> p) {
        int f = t.failures();
        int n = t.runs();
        double bound = rules.fixBound(f, n);
        boolean foreign = config.foreign().isPresent();
        // A foreign driver has no telemetry of xidfilter's: its coverage is its probe, or none.
        Optional<Coverage> coverage = foreign ? Optional.empty() : Coverage.of(base, t);
        Probes probes = context.probes();
        String holm = String.format(Locale.ROOT, " by Holm's procedure over the %d fixes", rules.fixes());
        String clean = String.format(Locale.ROOT, "no failure in %d runs: rate %s", n, boundText(Role.FIX, bound));
        Verdict verdict = Verdict.INCONCLUSIVE;
        String reason;
        int more = 0;
        if (f > 0) {
            verdict = Verdict.NOT_CONFIRMED;
            reason = t.labErrorsAfterLoad() == 0
                    ? String.format(Locale.ROOT, "%d re-entry crashes, %d other crashes and %d hangs in %d runs",
                    t.reentry(), t.otherCrashes(), t.hangs(), n)
                    : String.format(Locale.ROOT, "%d re-entry crashes, %d other crashes, %d hangs and %d lab errors"
                    + " after the load started (a failure the lab cannot place before the load counts against"
                    + " the fix) in %d runs", t.reentry(), t.otherCrashes(), t.hangs(), t.labErrorsAfterLoad(), n);
        } else if (probes.failed() > 0) {
            verdict = Verdict.BLIND;
            reason = String.format(Locale.ROOT, "its probe failed after %d of %d runs' load: the filter stopped doing"
                    + " its job there, so surviving proves nothing about a fix", probes.failed(), n);
        } else if (!foreign && config.driver().xidMode() == XidMode.OFF) {
            verdict = Verdict.BLIND;
            reason = "its Xid mode is off: the filter computes nothing, so surviving proves nothing about a fix";
        } else if (coverage.isPresent() && coverage.get().lost() > rules.maxCoverageLoss()) {
            Coverage c = coverage.get();
            verdict = Verdict.BLIND;
            reason = String.format(Locale.ROOT, "it sees %.3f non-paging callbacks per operation against the"
                    + " baseline's %.3f: %s of them lost, more than the %s allowed", c.nonPagingPerOperation(),
                    c.baselineNonPagingPerOperation(), pct(c.lost()), pct(rules.maxCoverageLoss()));
        } else if (coverage.isPresent() && coverage.get().blind(rules.maxCoverageLoss())) {
            verdict = Verdict.BLIND;
            reason = "it no longer sees " + String.join(" and ", coverage.get().kindsLost(rules.maxCoverageLoss())
                    .stream().map(k -> k.kind() + " (" + pct(k.lost()) + " of them lost)").toList())
                    + ": more than the " + pct(rules.maxCoverageLoss()) + " allowed of any kind of operation the"
                    + " baseline sees, whatever its share of the load (in all it sees " + pct(1 - coverage.get().lost())
                    + ")";
        } else if (config.ownLoad()) {
            reason = clean + ", but on a load of its own (load: own): compared across loads, so at most INCONCLUSIVE";
        } else if (rules.tooManyExcused(t)) {
            reason = clean + ", but " + excused(t, rules);
        } else if (foreign && config.probe().isEmpty()) {
            reason = clean + ", but " + NO_PROBE + " (a foreign driver has no telemetry: surviving may mean it"
                    + " stopped filtering)";
        } else if (probes.missing() > 0) {
            reason = String.format(Locale.ROOT, "%s, but coverage not measured: its probe gave no result after %d"
                    + " of %d runs", clean, probes.missing(), n);
        } else if (!foreign && coverage.isEmpty()) {
            reason = clean + ", but what it sees is not measured: " + (t.hasTelemetry() ? "the baseline" : "it")
                    + " left no telemetry (the lab reads the driver's counters only from runs that end with the"
                    + " machine up)";
        } else if (rules.chooseAmongFixes() ? !held : bound >= rules.threshold()) {
            more = Math.max(1, rules.cleanRunsNeeded() - n);
            reason = String.format(Locale.ROOT, "%s, not under the threshold %s%s: %d more crash-free runs needed",
                    clean, pct(rules.threshold()), rules.chooseAmongFixes() ? holm : "", more);
        } else if (context.controlFailed()) {
            reason = clean + ", under the threshold, but " + CONTROL_FAILED + " (see the control)";
        } else if (!context.baselineReproduced()) {
            reason = clean + ", under the threshold, but the baseline did not reproduce above it, so the runs"
                    + " cannot tell this fix from the baseline (see the baseline)";
        } else {
            verdict = Verdict.CONFIRMED;
            reason = String.format(Locale.ROOT, "%s, under the threshold %s%s; %s", clean, pct(rules.threshold()),
                    rules.chooseAmongFixes() ? holm : "", foreign
                    ? "its probe passed after every run's load (a foreign driver's coverage)"
                    : "sees " + pct(1 - coverage.get().lost()) + " of the baseline's non-paging callbacks");
        }
        return result(config, t, bound, (double) f / Math.max(1, n), p, coverage, verdict, reason, more);
    }

    private static ConfigResult result(PlannedConfig c, Tally t, double bound, double rate, Optional<Double> p,
                                       Optional<Coverage> coverage, Verdict verdict, String reason, int more) {
        Optional<ConfigResult.PerOperation> perOperation = !t.hasTelemetry() ? Optional.empty()
                : Optional.of(new ConfigResult.PerOperation(t.nonPagingCallbacksPerOperation().getAsDouble(),
                t.pagingCallbacksPerOperation().getAsDouble()));
        return new ConfigResult(c.name(), c.role(), c.ownLoad(), t.runs(), t.labErrors(), t.labErrorsAfterLoad(),
                t.crashes(), t.reentry(),
                t.otherCrashes(), t.hangs(), rate, bound, p, coverage, perOperation, verdict, reason, more,
                t.telemetry(), t.representativeCrash());
    }

    /** Why a configuration with too many excused lab errors is at most INCONCLUSIVE. */
    private static String excused(Tally t, VerdictRules rules) {
        return String.format(Locale.ROOT, "%d of its %d runs were lab errors excused before the load started, more"
                + " than the %s allowed: the runs left may not be a fair sample of its runs, so at most INCONCLUSIVE"
                + " (see why the lab fails)", t.labErrors(), t.attempted(), pct(VerdictRules.MAX_EXCUSED_LAB_ERRORS));
    }

    private static String names(List<ConfigResult> configs, Predicate<ConfigResult> which) {
        return String.join(", ", configs.stream().filter(which).map(ConfigResult::name).toList());
    }

    private static String boundText(Role role, double bound) {
        return ConfigResult.boundText(role, bound) + " (95%)";
    }

    private static String pct(double share) {
        return Percent.of(share);
    }
}
