package dev.xidlab.verdict;

import dev.xidlab.plan.Percent;
import dev.xidlab.plan.Plan;
import dev.xidlab.plan.Role;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;

/**
 * The rules a verdict is given by, with the plan's limits. One place: the verdict, the adaptive schedule, the
 * reports (report.html, summary.json) and docs/verdict.md's rules section all state these rules, and a test holds
 * docs/verdict.md to {@link #text()}.
 *
 * <p>Error rates, each at most 5% (one-sided 95% bounds). A fix whose true failure rate is at or above the threshold
 * is confirmed only after {@link #cleanRunsNeeded()} runs without a failure, which happens with probability
 * (1 - threshold)^n <= 5%, whether the runs were fixed in advance or stopped adaptively: confirmation needs the
 * first n runs clean, and stopping at the first failure (curtailment) never changes that verdict. A baseline whose
 * true re-entry rate is at or below the threshold separates with probability at most 5%: with a fixed number of
 * runs by the exact bound; adaptively by the anytime bound, which holds at every run at once ({@link RateBounds}).
 * CONFIRMED needs both, so it is false with probability at most 5% when either fails to hold (an
 * intersection-union test: Berger, "Multiparameter hypothesis testing and acceptance sampling", Technometrics 24,
 * 1982).
 *
 * <p>That holds for each fix on its own. With several fixes that all fail at the threshold, the chance that one of
 * them shows CONFIRMED grows with their number (up to their number times the one fix's). A user choosing one fix
 * among several asks for {@code chooseAmongFixes}: a fix is then held under the threshold only when Holm's
 * step-down procedure ("A simple sequentially rejective multiple test procedure", Scand. J. Statist. 6, 1979) over
 * the fixes' p-values rejects its failing at the threshold, which keeps the chance of any false CONFIRMED among
 * them at 5%. A fix's p-value is (1 - threshold)^n for n clean runs fixed in advance (and 1 after a failure);
 * adaptive runs stop a fix after the clean runs the first step of Holm needs, so its p-value is that or 1.
 *
 * @param fixes            the plan's fixes: the family Holm's procedure spreads the 5% over
 * @param chooseAmongFixes whether the verdicts must hold for all the fixes together
 * @param control          the plan has a positive control (its rule is stated only then)
 * @param probes           the plan has a foreign driver or a probe (their rule is stated only then)
 */
public record VerdictRules(double threshold, double maxCoverageLoss, boolean adaptive, int fixes,
                           boolean chooseAmongFixes, boolean control, boolean probes) {

    public VerdictRules(double threshold, double maxCoverageLoss, boolean adaptive, int fixes,
                        boolean chooseAmongFixes) {
        this(threshold, maxCoverageLoss, adaptive, fixes, chooseAmongFixes, false, false);
    }

    /**
     * The share of a configuration's attempted runs that may be lab errors excused before the load; with more it
     * is at most INCONCLUSIVE. A lab that fails that often before the load may fail for a reason tied to what the
     * configuration's runs would have shown (a guest that does not boot again after the runs of one driver), so
     * the runs left are no longer taken as a fair sample; below it, a lab's occasional failure does not cost a
     * matrix its verdict.
     */
    public static final double MAX_EXCUSED_LAB_ERRORS = 0.10;

    public static VerdictRules of(Plan plan, boolean adaptive) {
        return new VerdictRules(plan.threshold(), plan.maxCoverageLoss(), adaptive,
                (int) plan.configs().stream().filter(c -> c.role() == Role.FIX).count(), plan.chooseAmongFixes(),
                plan.control().isPresent(), plan.configs().stream()
                .anyMatch(c -> c.foreign().isPresent() || c.probe().isPresent()));
    }

    /** The baseline's one-sided 95% lower bound on re-entry crashes per run. */
    public double baselineBound(int reentry, int runs) {
        return adaptive ? RateBounds.anytimeLower(reentry, runs) : RateBounds.exactLower(reentry, runs);
    }

    /**
     * The baseline crashes more often than the threshold, at 95%: the runs can tell a fix from it. The same as
     * {@code baselineBound(reentry, runs) > threshold}, decided without computing the bound (the adaptive schedule
     * asks after every run).
     */
    public boolean separated(int reentry, int runs) {
        return adaptive
                ? runs > 0 && threshold < (double) reentry / runs && RateBounds.anytimeRulesOut(reentry, runs, threshold)
                : RateBounds.exactLowerAbove(reentry, runs, threshold);
    }

    /**
     * Adaptive only: the baseline's anytime upper bound is under the threshold, so it will not separate however
     * many more runs it gets (stopping for futility never raises an error rate).
     */
    public boolean cannotSeparate(int reentry, int runs) {
        return adaptive && runs > 0 && threshold > (double) reentry / runs
                && RateBounds.anytimeRulesOut(reentry, runs, threshold);
    }

    /** More of the configuration's attempted runs were excused as lab errors than {@link #MAX_EXCUSED_LAB_ERRORS}. */
    boolean tooManyExcused(Tally t) {
        return t.excusedShare() > MAX_EXCUSED_LAB_ERRORS;
    }

    /** A fix's one-sided 95% upper bound on failures per run. */
    public double fixBound(int failures, int runs) {
        return RateBounds.exactUpper(failures, runs);
    }

    /**
     * The runs without a failure that confirm a fix: its bound under the threshold, or, chosen among the fixes,
     * its p-value under the first step of Holm's procedure (5% over the number of fixes).
     */
    public int cleanRunsNeeded() {
        return chooseAmongFixes ? RateBounds.cleanTrials(threshold, RateBounds.ALPHA / Math.max(1, fixes))
                : RateBounds.cleanTrialsToBound(threshold);
    }

    /**
     * A fix's p-value against its failing at the threshold, for Holm's procedure: (1 - threshold)^runs when it
     * never failed (adaptive: only once it had the clean runs the schedule gives it), else 1.
     */
    double fixPValue(int failures, int runs) {
        if (failures > 0) {
            return 1;
        }
        if (adaptive) {
            return runs >= cleanRunsNeeded() ? Math.pow(1 - threshold, cleanRunsNeeded()) : 1;
        }
        return Math.pow(1 - threshold, runs);
    }

    /**
     * Holm's step-down procedure at 5% over the fixes' p-values: which of them it rejects, in the order given.
     * The least p-value is compared with 5% over the number of fixes, the next with 5% over one fewer, and so on
     * until one is not under its level.
     */
    List<Boolean> holm(List<Double> pValues) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < pValues.size(); i++) {
            order.add(i);
        }
        order.sort(java.util.Comparator.comparing(pValues::get));
        List<Boolean> rejected = new ArrayList<>(java.util.Collections.nCopies(pValues.size(), false));
        for (int step = 0; step < order.size(); step++) {
            if (!(pValues.get(order.get(step)) < RateBounds.ALPHA / (order.size() - step))) {
                break;
            }
            rejected.set(order.get(step), true);
        }
        return rejected;
    }

    /** At most the chance that some fix of this plan shows CONFIRMED when every one fails at the threshold. */
    double familyError() {
        return Math.min(1, Math.max(1, fixes) * Math.pow(1 - threshold, cleanRunsNeeded()));
    }

    /**
     * About how many more baseline runs would separate it if it keeps reproducing at the rate seen; empty when that
     * rate is not above the threshold (no number of runs would).
     */
    public OptionalInt baselineRunsToSeparate(int reentry, int runs) {
        if (runs == 0 || (double) reentry / runs <= threshold) {
            return OptionalInt.empty();
        }
        double rate = (double) reentry / runs;
        long more = 1;
        while (!separatedAfter(rate, runs, more)) {
            more *= 2;
            if (more > Plan.MAX_RUNS) {
                return OptionalInt.empty();
            }
        }
        long low = more / 2;
        while (more - low > 1) {
            long mid = (low + more) / 2;
            if (separatedAfter(rate, runs, mid)) {
                more = mid;
            } else {
                low = mid;
            }
        }
        return OptionalInt.of((int) more);
    }

    private boolean separatedAfter(double rate, int runs, long more) {
        int n = (int) (runs + more);
        return separated((int) Math.floor(rate * n), n);
    }

    /** The rules in words, with this plan's numbers. */
    public List<String> text() {
        String t = Percent.of(threshold);
        int clean = cleanRunsNeeded();
        List<String> rules = new ArrayList<>();
        rules.add("Every configuration runs the baseline's load. A fix with load: own is compared across loads, and"
                + " its verdict is at most INCONCLUSIVE.");
        rules.add("A run ends survived, bugchecked (the re-entry crash or another), hung (the load or the guest did"
                + " not answer within its bound, on a machine the lab had proved alive) or lab-error.");
        rules.add("A lab error is excused (the run is not counted) only when the lab proves it was its own: one of"
                + " its steps failed before the load started (booting, deploying or configuring the driver, a guest"
                + " not ready), with the reason. What fails after the load started (a guest that went down and left"
                + " no dump, one that did not come back, a load that died, a dump or evidence that could not be"
                + " stored) is a run, and a failure of a fix.");
        rules.add("A configuration with more lab errors excused than " + Percent.of(MAX_EXCUSED_LAB_ERRORS) + " of the"
                + " runs it attempted is at most INCONCLUSIVE: the runs left may not be a fair sample.");
        rules.add("The baseline REPRODUCED when its one-sided 95% lower bound on re-entry crashes per run (exact"
                + " Clopper-Pearson for planned runs, anytime-valid for adaptive ones) is above the threshold, " + t
                + ". Its hangs and other crashes are reported beside, not counted. Otherwise it is NOT REPRODUCED"
                + " (no re-entry crash) or INCONCLUSIVE, with how many more runs would separate it.");
        if (control) {
            rules.add("The control (role: control) is xidfilter in lookup mode on the baseline's load, judged as the"
                    + " baseline is. When it is not REPRODUCED, the control did not reproduce: this lab and load cannot"
                    + " show this crash, so every fix and the matrix are at most INCONCLUSIVE.");
        }
        rules.add("A fix that crashed, hung or had a lab error after the load started in any run is NOT CONFIRMED.");
        if (probes) {
            rules.add("A fix that is a foreign driver (driver: a package) has no telemetry: its probe, run in the"
                    + " guest after each run's load, is its coverage. Without a probe it is at most INCONCLUSIVE"
                    + " (coverage not measured: give a probe), never CONFIRMED; a run that survived without a probe"
                    + " result leaves it at most INCONCLUSIVE; a probe that failed in any run makes it BLIND: it"
                    + " stopped the crash by no longer doing its job. A probe on an xidfilter fix counts the same,"
                    + " beside its telemetry.");
        }
        rules.add("A fix whose Xid mode is off, or that sees more than " + Percent.of(maxCoverageLoss) + " fewer"
                + " non-paging callbacks per operation than the baseline, in all or of any one kind of operation the"
                + " baseline sees (creates, cached and non-cached reads and writes; a kind by a one-sided exact test"
                + " at 5%, so one the baseline saw only a few times is not judged on noise), is BLIND: it stopped the"
                + " crash by not looking, whatever that kind's share of the load. The paging-I/O callbacks it no"
                + " longer sees are its cost, shown apart.");
        rules.add("A fix is CONFIRMED when it never failed, is not blind, ran the baseline's load, "
                + (chooseAmongFixes ? "Holm's procedure over the fixes (below) holds it under the threshold, " + t
                : "its one-sided 95% upper bound on failures per run (exact Clopper-Pearson) is under the"
                + " threshold, " + t) + " (at least " + clean + " clean runs), and the baseline REPRODUCED."
                + " Otherwise it is INCONCLUSIVE, with how many more runs would settle it.");
        rules.add(chooseAmongFixes
                ? "Chosen among the fixes (--choose-among-fixes): every CONFIRMED holds at 5% for the plan's " + fixes
                + " fixes together. Each fix's p-value against failing at the threshold is (1 - threshold) to the"
                + " power of its clean runs (adaptive runs: after " + clean + " clean runs, else 1; 1 after a"
                + " failure); Holm's step-down procedure holds a fix under the threshold when its p-value, taken"
                + " in order from the least, is under 5% divided by the number of fixes not yet held."
                : "Each fix's verdict holds at 5% on its own, not for several fixes together: when m fixes all fail"
                + " at the threshold, one of them shows CONFIRMED with a probability of up to m x "
                + Percent.of(Math.pow(1 - threshold, clean)) + (fixes > 1 ? " (" + Percent.of(familyError())
                + " with this plan's " + fixes + ")" : "") + ". To choose the one fix that holds among several, use"
                + " --choose-among-fixes.");
        rules.add("Beside each fix: McNemar's exact test, one-sided, of its failures against the baseline's re-entry"
                + " crashes in the runs paired by their shared seed. Its p-value is reported, not a condition, and"
                + " only for fixed runs: on adaptive runs, stopped by what they showed, it would not be a p-value.");
        rules.add(adaptive
                ? "Adaptive runs: a configuration stops once its verdict is settled (the baseline when its anytime"
                + " lower bound is above the threshold or its anytime upper bound below it; a fix at its first"
                + " failure, once it is blind, or once it has the clean runs that confirm it), and the rest of the"
                + " budget goes to those still open. Both error rates stay at 5% however the runs are spread."
                : "Fixed runs: every configuration runs the planned number of runs, and the exact bounds hold for"
                + " that number. Adding runs after looking at a result is another look, so a resumed matrix keeps"
                + " its planned runs: more runs are a new matrix, or --adaptive, the mode whose bounds hold at every"
                + " look.");
        rules.add("A matrix is judged by the limits it was planned with: its threshold and maximum coverage loss"
                + " (at most " + Percent.of(Plan.MAX_COVERAGE_LOSS) + ") are written into its results, and resume and"
                + " merge refuse other limits.");
        rules.add("A merge takes every shard i/n of the matrix exactly once, each with every run planned for it;"
                + " a missing, repeated or unfinished shard is refused, naming it.");
        rules.add("The matrix is NOT CONFIRMED when any fix failed, else BLIND when any fix is blind, else"
                + " CONFIRMED when the plan has at least one fix, the baseline REPRODUCED and every fix is"
                + " CONFIRMED, else INCONCLUSIVE. Only CONFIRMED exits 0.");
        return rules;
    }
}
