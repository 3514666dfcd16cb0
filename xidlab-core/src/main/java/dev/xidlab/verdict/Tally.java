package dev.xidlab.verdict;

import dev.xidlab.run.RunRecord;
import dev.xidlab.run.Telemetry;
import java.util.Comparator;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * What the recorded runs of one configuration add up to: how they ended, the driver's telemetry over the runs that
 * reported it, and the operations that telemetry covers. The verdict and the adaptive schedule both read it.
 */
final class Tally {

    private int runs;
    private int labErrors;
    private int labErrorsAfterLoad;
    private int crashes;
    private int reentry;
    private int hangs;
    private int nextRun;
    private Telemetry telemetry = Telemetry.NONE;
    private int telemetryRuns;
    private long telemetryOperations;
    private RunRecord deepestReentry;
    private RunRecord firstCrash;

    private static final Comparator<RunRecord> BY_FRAME_REPEATS = Comparator.comparing(r -> r.crash()
            .flatMap(RunRecord.Crash::analysis).map(RunRecord.Analysis::frameRepeats).orElse(0));

    void add(RunRecord r) {
        nextRun = Math.max(nextRun, r.slot().run() + 1);
        if (r.excusedLabError()) {
            labErrors++;
            return;
        }
        runs++;
        labErrorsAfterLoad += r.labErrorAfterLoad() ? 1 : 0;
        if (r.crashed()) {
            crashes++;
            firstCrash = firstCrash == null ? r : firstCrash;
            if (r.isReentry()) {
                reentry++;
                deepestReentry = deepestReentry == null || BY_FRAME_REPEATS.compare(r, deepestReentry) > 0 ? r
                        : deepestReentry;
            }
        }
        hangs += r.hung() ? 1 : 0;
        r.telemetry().ifPresent(t -> {
            telemetry = telemetry.plus(t);
            telemetryRuns++;
            // A run that crashed or hung stopped inside one more operation, whose callbacks were already counted.
            telemetryOperations += r.operations() + (r.crashed() || r.hung() ? 1 : 0);
        });
    }

    /** Runs that said something about the driver: the lab errors excused (before the load started) left out. */
    int runs() {
        return runs;
    }

    /** Lab errors the lab placed before the load started: excused, not runs. */
    int labErrors() {
        return labErrors;
    }

    /** Lab errors after the load started: runs, and failures of a fix. */
    int labErrorsAfterLoad() {
        return labErrorsAfterLoad;
    }

    /** The share of the runs attempted that were excused as lab errors (0 with none attempted). */
    double excusedShare() {
        return attempted() == 0 ? 0 : (double) labErrors / attempted();
    }

    /** Runs attempted, lab errors included: what a run budget is spent on. */
    int attempted() {
        return runs + labErrors;
    }

    int crashes() {
        return crashes;
    }

    int reentry() {
        return reentry;
    }

    int otherCrashes() {
        return crashes - reentry;
    }

    int hangs() {
        return hangs;
    }

    /** Crashes of any kind, hangs and lab errors after the load started: what counts against a fix. */
    int failures() {
        return crashes + hangs + labErrorsAfterLoad;
    }

    /** The run number the next run of this configuration gets. */
    int nextRun() {
        return nextRun;
    }

    Telemetry telemetry() {
        return telemetry;
    }

    /** The operations the telemetry was counted over (a crashed or hung run's last one included). */
    long telemetryOperations() {
        return telemetryOperations;
    }

    boolean hasTelemetry() {
        return telemetryRuns > 0 && telemetryOperations > 0;
    }

    OptionalDouble nonPagingCallbacksPerOperation() {
        return perOperation(telemetry.nonPagingCallbacks());
    }

    OptionalDouble pagingCallbacksPerOperation() {
        return perOperation(telemetry.pagingIoCallbacks());
    }

    /** A telemetry count over the operations it was counted in; empty without telemetry, so never a 0/0. */
    private OptionalDouble perOperation(long count) {
        return hasTelemetry() ? OptionalDouble.of((double) count / telemetryOperations) : OptionalDouble.empty();
    }

    /** The deepest re-entry crash, else the first crash: the one a report shows. */
    Optional<RunRecord> representativeCrash() {
        return Optional.ofNullable(deepestReentry != null ? deepestReentry : firstCrash);
    }
}
