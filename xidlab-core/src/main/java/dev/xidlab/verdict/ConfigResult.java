package dev.xidlab.verdict;

import dev.xidlab.plan.Percent;
import dev.xidlab.plan.Role;
import dev.xidlab.run.RunRecord;
import dev.xidlab.run.Telemetry;
import java.util.List;
import java.util.Optional;

/**
 * The numbers of one configuration. Runs are those that reached a verdict (the lab errors excused before the load
 * apart). {@code rate} is the baseline's re-entry crashes per run, or a fix's failures (crashes of any kind, hangs,
 * lab errors after the load started) per run; {@code bound} is its one-sided 95% bound on the side the verdict
 * reads: lower for the baseline, upper for a fix.
 *
 * @param labErrors          lab errors excused: the lab's own step failed before the load started; not runs
 * @param labErrorsAfterLoad lab errors once the load had started: runs, and a fix's failures
 * @param pValue         a fix's McNemar exact test against the baseline on the runs paired by seed (one-sided);
 *                       empty for the baseline and for adaptive runs, whose stopped samples give no p-value
 * @param coverage       a fix's coverage against the baseline; empty for the baseline or without telemetry
 * @param perOperation   the callbacks the driver counted per operation of the load; empty without telemetry
 * @param moreRunsNeeded how many more runs of this configuration would settle it (0 when settled or when no
 *                       number would)
 */
public record ConfigResult(String name, Role role, boolean ownLoad, int runs, int labErrors, int labErrorsAfterLoad,
                           int crashes, int reentryCrashes, int otherCrashes, int hangs, double rate, double bound,
                           Optional<Double> pValue, Optional<Coverage> coverage, Optional<PerOperation> perOperation,
                           Verdict verdict, String reason,
                           int moreRunsNeeded, Telemetry telemetry, Optional<RunRecord> representativeCrash) {

    /** Non-paging and paging-I/O callbacks per operation, over the runs that reported telemetry. */
    public record PerOperation(double nonPagingCallbacks, double pagingIoCallbacks) {
    }

    public List<String> representativeStack() {
        return representativeCrash.flatMap(RunRecord::crash).flatMap(RunRecord.Crash::analysis)
                .map(RunRecord.Analysis::stack).orElse(List.of());
    }

    /** "&gt;= 92.8%" for the baseline, "&lt;= 7.2%" for a fix. */
    public String boundText() {
        return boundText(role, bound);
    }

    static String boundText(Role role, double bound) {
        return (role == Role.FIX ? "<= " : ">= ") + Percent.of(bound);
    }
}
