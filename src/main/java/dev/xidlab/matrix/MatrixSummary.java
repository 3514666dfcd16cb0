package dev.xidlab.matrix;

import java.util.List;

/** The verdict of a matrix over every result recorded so far. */
public record MatrixSummary(String plan, String fingerprint, String lab, double threshold, int plannedRuns,
                            int recordedRuns, Verdict verdict, String reason, List<ConfigResult> configs) {

    public MatrixSummary {
        configs = List.copyOf(configs);
    }

    /** Only CONFIRMED ends a matrix with exit 0. */
    public boolean confirmed() {
        return verdict == Verdict.CONFIRMED;
    }
}
