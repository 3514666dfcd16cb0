package dev.xidlab.verdict;

import dev.xidlab.plan.Plan;
import dev.xidlab.plan.PlannedConfig;
import dev.xidlab.plan.PlannedRun;
import dev.xidlab.plan.Role;
import dev.xidlab.protocol.XidMode;
import dev.xidlab.run.RunRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Which runs an adaptive matrix does next. The budget is the plan's: runs x configurations. After every run a
 * configuration whose verdict is settled stops, and the rest of the budget goes round the configurations still
 * open, one run each per round, run r of each on the same seed as in a fixed plan:
 * <ul>
 *   <li>the baseline stops once it has separated (its anytime lower bound above the threshold) and its telemetry
 *       is known, or once its anytime upper bound is under the threshold (it never will: the whole matrix stops,
 *       as no fix can be confirmed any more);</li>
 *   <li>a fix stops at its first failure (curtailment: NOT CONFIRMED cannot change), once it is blind, or after
 *       {@link VerdictRules#cleanRunsNeeded()} clean runs (its bound is under the threshold).</li>
 * </ul>
 * The error rates this keeps, and why, are in {@link VerdictRules}; {@code AdaptiveRuleSimulationTest} measures them.
 */
public final class AdaptiveSchedule {

    private final Plan plan;
    private final VerdictRules rules;
    private final Map<String, Tally> tallies;
    private final Tally baseline;
    private final List<PlannedConfig> fixes;
    private final int budget;
    private final int cleanRuns;
    private int attempted;

    public AdaptiveSchedule(Plan plan, VerdictRules rules, List<RunRecord> recorded) {
        this.plan = plan;
        this.rules = rules;
        this.tallies = VerdictCalculator.tallies(plan, recorded);
        this.baseline = tallies.get(plan.baseline().name());
        this.fixes = plan.configs().stream().filter(c -> c.role() == Role.FIX).toList();
        this.budget = plan.runs() * plan.configs().size();
        this.cleanRuns = rules.cleanRunsNeeded();
        this.attempted = tallies.values().stream().mapToInt(Tally::attempted).sum();
    }

    /** Counts a finished run. */
    public void record(RunRecord r) {
        Tally t = tallies.get(r.config());
        if (t != null) {
            t.add(r);
            attempted++;
        }
    }

    public int budget() {
        return budget;
    }

    public int attempted() {
        return attempted;
    }

    public boolean finished() {
        return nextRound().isEmpty();
    }

    /** One run of each configuration still open, within the budget; empty when the matrix is done. */
    public List<PlannedRun> nextRound() {
        Tally base = baseline;
        if (rules.cannotSeparate(base.reentry(), base.runs())) {
            return List.of();
        }
        // A baseline without telemetry runs on while an xidfilter fix needs it to judge coverage; a user's driver
        // has none to compare (its probe is its coverage).
        boolean baselineOpen = fixes.stream().anyMatch(this::couldPass)
                && (!rules.separated(base.reentry(), base.runs()) || !base.hasTelemetry() && base.runs() < plan.runs()
                && fixes.stream().anyMatch(f -> f.foreign().isEmpty() && couldPass(f)));
        List<PlannedRun> round = new ArrayList<>();
        for (PlannedConfig c : plan.configs()) {
            if (attempted + round.size() >= budget) {
                break;
            }
            Tally t = tallies.get(c.name());
            // The control runs as long as the baseline may, until it separates: it only has to reproduce.
            boolean open = c.role() == Role.BASELINE ? baselineOpen
                    : c.role() == Role.CONTROL ? fixes.stream().anyMatch(this::couldPass)
                    && !rules.separated(t.reentry(), t.runs()) && t.runs() < plan.runs()
                    : couldPass(c) && t.runs() < cleanRuns;
            if (open) {
                round.add(new PlannedRun(attempted + round.size(), c, t.nextRun(), plan.runSeed(t.nextRun())));
            }
        }
        return round;
    }

    /** Not failed and not shown blind: a fix whose verdict may still be CONFIRMED or INCONCLUSIVE. */
    private boolean couldPass(PlannedConfig fix) {
        Tally t = tallies.get(fix.name());
        if (t.failures() > 0) {
            return false;
        }
        if (fix.driver().xidMode() == XidMode.OFF && t.runs() > 0) {
            return false;
        }
        return Coverage.of(baseline, t)
                .map(c -> !c.blind(rules.maxCoverageLoss())).orElse(true);
    }
}
