package dev.xidlab.verdict;

import dev.xidlab.run.RunRecord;
import java.util.List;

/**
 * The verdict of a matrix over every result recorded so far, and the rules it was given by.
 *
 * @param plannedRuns the runs the plan allows: every configuration's runs, or an adaptive matrix's budget
 * @param runsSaved   the budget an adaptive matrix did not need once every verdict was settled
 * @param model       how the kernel model was set up, with its named assumptions (null on a real kernel's lab)
 * @param chooseAmongFixes the verdicts hold for all the fixes together (Holm), not for each on its own
 * @param labErrors   every run that ended in a lab error, with its reason and where its evidence is
 */
public record MatrixSummary(String plan, String fingerprint, String lab, double threshold, double maxCoverageLoss,
                            boolean chooseAmongFixes, boolean adaptive, int plannedRuns, int recordedRuns,
                            int runsSaved, Verdict verdict, String reason, List<ConfigResult> configs,
                            List<String> rules, String model, List<LabError> labErrors) {

    public MatrixSummary {
        configs = List.copyOf(configs);
        rules = List.copyOf(rules);
        labErrors = List.copyOf(labErrors);
    }

    /** A run the lab could not complete: why, in one line, and its evidence directory relative to the report. */
    public record LabError(String run, String reason, String evidence) {

        static LabError of(RunRecord r) {
            return new LabError(r.id(), r.error().orElseThrow(), r.slot().evidencePath());
        }
    }

    /** Only CONFIRMED ends a matrix with exit 0. */
    public boolean confirmed() {
        return verdict == Verdict.CONFIRMED;
    }
}
