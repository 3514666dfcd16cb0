package dev.xidlab.matrix;

import java.util.List;

/** Run records for verdict tests: what a finished run writes, with only the fields a verdict reads. */
final class Records {

    private Records() {
    }

    static RunRecord survived(String config, int run) {
        return new RunRecord("run", config, "fix", run, run, RunRecord.SURVIVED, null, null, null, null, null, null,
                null, null, 20000, 5, 1, 20000, 100L, 10L, 0L, null);
    }

    static RunRecord reentry(String config, int run) {
        return new RunRecord("run", config, "fix", run, run, RunRecord.BUGCHECKED, "0x1000007F",
                "UNEXPECTED_KERNEL_MODE_TRAP_M", List.of("0x8", "0x0", "0x0", "0x0"), true, "xidfilter.sys", 9,
                List.of("xidfilter.sys+0x1913"), "dumps/x.dmp", 31, 1, 11, 1664, 50L, 12L, 0L, null);
    }

    static RunRecord otherCrash(String config, int run) {
        return new RunRecord("run", config, "fix", run, run, RunRecord.BUGCHECKED, "0x0000000A",
                "IRQL_NOT_LESS_OR_EQUAL", List.of("0x0", "0x2", "0x0", "0x0"), false, "other.sys", 0, List.of(),
                "dumps/y.dmp", 31, 1, null, null, null, null, null, null);
    }

    static RunRecord labError(String config, int run) {
        return new RunRecord("run", config, "fix", run, run, RunRecord.LAB_ERROR, null, null, null, null, null,
                null, null, null, 0, 1, null, null, null, null, null, "vagrant up failed");
    }
}
