package dev.xidlab.run;

import dev.xidlab.lab.RunOutcome;
import dev.xidlab.plan.Role;
import java.util.List;
import java.util.Optional;

/** Run records for verdict tests: what a finished run writes, with what a verdict reads. */
public final class Records {

    private Records() {
    }

    public static RunRecord.Slot slot(String config, int run) {
        return new RunRecord.Slot(config, config.equals("field") ? Role.BASELINE : Role.FIX, run, run);
    }

    /** A run of the load that finished: every one of its 20,000 operations seen once by the filter. */
    public static RunRecord survived(String config, int run) {
        return RunRecord.survived(slot(config, run), 20000, 5, new Telemetry(1, 20000, 20100, 100, 0));
    }

    /** The re-entry crash in operation 32, with the driver's counters at the crash. */
    public static RunRecord reentry(String config, int run) {
        RunRecord.Crash crash = new RunRecord.Crash("0x1000007F", "UNEXPECTED_KERNEL_MODE_TRAP_M",
                List.of("0x8", "0x0", "0x0", "0x0"), Optional.of(new RunRecord.Analysis(true,
                Optional.of("xidfilter.sys"), 9, List.of("xidfilter.sys+0x1913"))), Optional.of("dumps/x.dmp"));
        return RunRecord.bugchecked(slot(config, run), crash, 31, 1,
                Optional.of(new Telemetry(11, 1664, 44, 12, 0)), Optional.empty());
    }

    public static RunRecord otherCrash(String config, int run) {
        RunRecord.Crash crash = new RunRecord.Crash("0x0000000A", "IRQL_NOT_LESS_OR_EQUAL",
                List.of("0x0", "0x2", "0x0", "0x0"), Optional.of(new RunRecord.Analysis(false,
                Optional.of("other.sys"), 0, List.of())), Optional.of("dumps/y.dmp"));
        return RunRecord.bugchecked(slot(config, run), crash, 31, 1, Optional.empty(), Optional.empty());
    }

    public static RunRecord hung(String config, int run) {
        return RunRecord.hung(slot(config, run), new RunRecord.Hang("the load sent nothing for 70 min", 4_200_000),
                900, 4_260_000, Optional.empty());
    }

    /** The lab's own step failed before the load started: an excused lab error. */
    public static RunRecord labError(String config, int run) {
        return RunRecord.labError(slot(config, run), 1, "vagrant up failed", RunOutcome.LabFailure.Phase.BEFORE_LOAD);
    }

    /** The guest went down during the load and left nothing to tell what happened. */
    public static RunRecord labErrorAfterLoad(String config, int run) {
        return RunRecord.labError(slot(config, run), 1, "the guest went down during the load and left no dump",
                RunOutcome.LabFailure.Phase.AFTER_LOAD);
    }
}
