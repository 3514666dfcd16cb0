package dev.xidlab.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.lab.ForeignDriver;
import dev.xidlab.plan.DefaultPlan;
import dev.xidlab.plan.Plan;
import dev.xidlab.plan.PlannedConfig;
import dev.xidlab.plan.Role;
import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.run.Records;
import dev.xidlab.run.RunRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * The positive control and a foreign driver's probe (issue 24): a lab that cannot show the crash confirms nothing,
 * and a foreign fix is confirmed only with a probe that passed after every run.
 */
class VerdictControlAndProbeTest {

    static final int RUNS = 40;

    static ForeignDriver vendor(String build) {
        return new ForeignDriver("builds/" + build + "/", Path.of("builds", build), "vendorflt.sys",
                Optional.of(Path.of("builds", build, "vendorflt.inf")), Optional.empty(), Optional.empty(),
                Optional.empty());
    }

    /** control (xidfilter, lookup), the user's crashing build as the baseline, and their fixed build. */
    static Plan plan(Optional<String> probe) {
        DriverConfig field = DriverConfig.fieldDefault();
        var load = DefaultPlan.stress();
        List<PlannedConfig> configs = List.of(
                new PlannedConfig("control", Role.CONTROL, field, load),
                new PlannedConfig("field", Role.BASELINE, field, load, false, Optional.of(vendor("4.2.1")),
                        Optional.empty()),
                new PlannedConfig("v4.2.2", Role.FIX, field, load, false, Optional.of(vendor("4.2.2")), probe));
        return new Plan("vendor", configs, RUNS, 1, 0.1);
    }

    static List<RunRecord> runs(BiFunction<String, Integer, RunRecord> control,
                                BiFunction<String, Integer, RunRecord> fix) {
        List<RunRecord> all = new ArrayList<>();
        for (int r = 0; r < RUNS; r++) {
            all.add(control.apply("control", r));
            all.add(Records.reentry("field", r));
            all.add(fix.apply("v4.2.2", r));
        }
        return all;
    }

    static RunRecord probed(String config, int run, int exit) {
        return Records.survived(config, run).withProbe(new RunRecord.Probe(exit));
    }

    static ConfigResult fix(MatrixSummary s) {
        return VerdictCalculatorTest.config(s, "v4.2.2");
    }

    @Test
    void aReproducedControlAndAFixedForeignBuildWithAPassingProbeAreConfirmed() {
        MatrixSummary s = VerdictCalculator.summarize(plan(Optional.of("probe.exe")), "vagrant",
                runs(Records::reentry, (c, r) -> probed(c, r, 0)));

        assertEquals(Verdict.REPRODUCED, VerdictCalculatorTest.config(s, "control").verdict());
        assertEquals(Verdict.CONFIRMED, fix(s).verdict(), fix(s).reason());
        assertTrue(fix(s).reason().contains("its probe passed after every run's load"), fix(s).reason());
        assertEquals(Verdict.CONFIRMED, s.verdict(), s.reason());
    }

    @Test
    void aControlThatDidNotReproduceLeavesEveryFixInconclusiveWithWhy() {
        MatrixSummary s = VerdictCalculator.summarize(plan(Optional.of("probe.exe")), "vagrant",
                runs(Records::survived, (c, r) -> probed(c, r, 0)));

        assertEquals(Verdict.NOT_REPRODUCED, VerdictCalculatorTest.config(s, "control").verdict());
        assertEquals(Verdict.INCONCLUSIVE, fix(s).verdict());
        assertTrue(fix(s).reason().contains("the control did not reproduce: this lab and load cannot show this"
                + " crash"), fix(s).reason());
        assertEquals(Verdict.INCONCLUSIVE, s.verdict());
        assertTrue(s.reason().startsWith("the control did not reproduce"), s.reason());
    }

    @Test
    void aForeignFixWithoutAProbeIsInconclusiveForCoverageNotMeasured() {
        MatrixSummary s = VerdictCalculator.summarize(plan(Optional.empty()), "vagrant",
                runs(Records::reentry, Records::survived));

        assertEquals(Verdict.INCONCLUSIVE, fix(s).verdict());
        assertTrue(fix(s).reason().contains("coverage not measured: give a probe"), fix(s).reason());
    }

    @Test
    void aForeignFixWhoseProbeFailedInARunIsNotConfirmed() {
        MatrixSummary s = VerdictCalculator.summarize(plan(Optional.of("probe.exe")), "vagrant",
                runs(Records::reentry, (c, r) -> probed(c, r, r == 7 ? 1 : 0)));

        assertNotEquals(Verdict.CONFIRMED, fix(s).verdict());
        assertEquals(Verdict.BLIND, fix(s).verdict());
        assertTrue(fix(s).reason().contains("its probe failed after 1 of 40 runs' load"), fix(s).reason());
    }

    @Test
    void aSurvivedRunWithoutAProbeResultLeavesAForeignFixInconclusive() {
        MatrixSummary s = VerdictCalculator.summarize(plan(Optional.of("probe.exe")), "vagrant",
                runs(Records::reentry, (c, r) -> r == 3 ? Records.survived(c, r) : probed(c, r, 0)));

        assertEquals(Verdict.INCONCLUSIVE, fix(s).verdict());
        assertTrue(fix(s).reason().contains("its probe gave no result after 1 of 40 runs"), fix(s).reason());
    }
}
