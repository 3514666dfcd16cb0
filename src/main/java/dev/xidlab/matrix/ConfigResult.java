package dev.xidlab.matrix;

import java.util.List;
import java.util.Optional;

/**
 * The numbers of one configuration. Rates count re-entry crashes (0x7F/0x1000007F with parameter 1 = 8 and the
 * filter's frames repeating) over runs that reached a verdict (lab errors excluded); other crashes are counted
 * apart. {@code moreRunsNeeded} is how many more crash-free runs would bring the upper bound under the threshold.
 */
public record ConfigResult(String name, Role role, int runs, int labErrors, int crashes, int reentryCrashes,
                           int otherCrashes, Interval reentryRate, Verdict verdict, String reason,
                           int moreRunsNeeded, Telemetry telemetry, Optional<RunRecord> representativeCrash) {

    public ConfigResult {
        representativeCrash = representativeCrash == null ? Optional.empty() : representativeCrash;
    }

    public List<String> representativeStack() {
        return representativeCrash.flatMap(RunRecord::crash).flatMap(RunRecord.Crash::analysis)
                .map(RunRecord.Analysis::stack).orElse(List.of());
    }
}
