package dev.xidlab.matrix;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Turns recorded runs into verdicts. A fix is CONFIRMED only when the baseline reproduced the crash (its lower
 * bound is above zero: without that the runs proved nothing about the fix) and the fix had no crash at all with
 * its upper bound under the threshold. Any crash of a fix is NOT CONFIRMED. Everything else is INCONCLUSIVE, with
 * how many more runs would settle it.
 */
public final class VerdictCalculator {

    private VerdictCalculator() {
    }

    public static MatrixSummary summarize(Plan plan, String lab, List<RunRecord> records) {
        ConfigResult baseline = result(plan.baseline(), records, plan.threshold(), null);
        List<ConfigResult> results = new ArrayList<>();
        for (PlannedConfig c : plan.configs()) {
            results.add(c.role() == Role.BASELINE ? baseline : result(c, records, plan.threshold(), baseline));
        }
        List<ConfigResult> fixes = results.stream().filter(r -> r.role() == Role.FIX).toList();

        Verdict verdict;
        String reason;
        if (baseline.verdict() != Verdict.REPRODUCED) {
            verdict = Verdict.INCONCLUSIVE;
            reason = baseline.reason();
        } else if (fixes.stream().anyMatch(f -> f.verdict() == Verdict.NOT_CONFIRMED)) {
            verdict = Verdict.NOT_CONFIRMED;
            reason = "crashed: " + String.join(", ", fixes.stream()
                    .filter(f -> f.verdict() == Verdict.NOT_CONFIRMED).map(ConfigResult::name).toList());
        } else if (fixes.stream().allMatch(f -> f.verdict() == Verdict.CONFIRMED)) {
            verdict = Verdict.CONFIRMED;
            reason = "the baseline reproduced the re-entry crash and every fix held below the threshold";
        } else {
            verdict = Verdict.INCONCLUSIVE;
            reason = "too few runs for: " + String.join(", ", fixes.stream()
                    .filter(f -> f.verdict() == Verdict.INCONCLUSIVE).map(ConfigResult::name).toList());
        }
        return new MatrixSummary(plan.name(), plan.fingerprint(), lab, plan.threshold(), plan.expand().size(),
                records.size(), verdict, reason, results);
    }

    private static ConfigResult result(PlannedConfig config, List<RunRecord> all, double threshold,
                                       ConfigResult baseline) {
        List<RunRecord> mine = all.stream().filter(r -> r.config().equals(config.name())).toList();
        int labErrors = (int) mine.stream().filter(RunRecord::labError).count();
        int runs = mine.size() - labErrors;
        int crashes = (int) mine.stream().filter(RunRecord::crashed).count();
        int reentry = (int) mine.stream().filter(RunRecord::isReentry).count();
        int hangs = (int) mine.stream().filter(RunRecord::hung).count();
        Interval rate = Interval.clopperPearson(reentry, runs);
        Optional<RunRecord> representative = mine.stream().filter(RunRecord::isReentry)
                .max(Comparator.comparing(r -> r.crash().flatMap(RunRecord.Crash::analysis)
                        .map(RunRecord.Analysis::frameRepeats).orElse(0)));
        if (representative.isEmpty()) {
            representative = mine.stream().filter(RunRecord::crashed).findFirst();
        }

        Verdict verdict;
        String reason;
        int more = 0;
        if (config.role() == Role.BASELINE) {
            if (rate.lower() > 0) {
                verdict = Verdict.REPRODUCED;
                reason = reentry + " of " + runs + " runs ended in the re-entry crash";
            } else {
                verdict = Verdict.NOT_REPRODUCED;
                reason = "the baseline never hit the re-entry crash in " + runs + " runs (" + crashes
                        + " other crashes), so the runs prove nothing about the fixes: raise the memory pressure"
                        + " or the budget, or check that the lab sees re-entry at all (self-test)";
            }
        } else if (crashes + hangs > 0) {
            verdict = Verdict.NOT_CONFIRMED;
            reason = reentry + " re-entry and " + (crashes - reentry) + " other crashes and " + hangs + " hangs in "
                    + runs + " runs";
        } else if (rate.upper() < threshold) {
            verdict = baseline != null && baseline.verdict() == Verdict.REPRODUCED
                    ? Verdict.CONFIRMED : Verdict.INCONCLUSIVE;
            reason = verdict == Verdict.CONFIRMED
                    ? String.format("no crash in %d runs: rate below %.3f (95%%)", runs, rate.upper())
                    : "no crash, but the baseline did not reproduce the crash";
        } else {
            verdict = Verdict.INCONCLUSIVE;
            more = Math.max(1, Interval.trialsToBound(threshold) - runs);
            reason = String.format("no crash in %d runs, but the 95%% upper bound %.3f is not under %.3f: %d more"
                    + " crash-free runs needed", runs, rate.upper(), threshold, more);
        }
        return new ConfigResult(config.name(), config.role(), runs, labErrors, crashes, reentry, crashes - reentry,
                rate, verdict, reason, more, telemetry(mine), representative);
    }

    private static Telemetry telemetry(List<RunRecord> runs) {
        return runs.stream().flatMap(r -> r.telemetry().stream()).reduce(Telemetry.NONE, Telemetry::plus);
    }
}
