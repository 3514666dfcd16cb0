package dev.xidlab.plan;

import dev.xidlab.cli.CliRun;
import dev.xidlab.command.ExitCode;
import dev.xidlab.device.KernelModel;
import dev.xidlab.lab.sim.SimLab;
import dev.xidlab.matrix.MatrixSession;
import dev.xidlab.run.PlainProgress;
import dev.xidlab.verdict.ConfigResult;
import dev.xidlab.verdict.MatrixSummary;
import dev.xidlab.verdict.RateBounds;
import dev.xidlab.verdict.Verdict;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * plans/field.yaml on the kernel model: a baseline that reproduces in some runs and not others, a fix confirmed by
 * the statistics of its runs, and the store manager's paging path, through which the baseline cannot reproduce.
 */
class FieldPlanTest {

    static final Path FIELD_PLAN = Path.of(System.getProperty("xidlab.projectDir", "."), "plans/field.yaml");

    @TempDir
    Path dir;

    @BeforeEach
    void needsTheModel() {
        assumeTrue(KernelModel.unavailableReason().isEmpty(), () -> KernelModel.unavailableReason().get());
    }

    /** The field plan with only the baseline and skip-paging-io, at its own run count. */
    private Plan baselineAndSkipPagingIo() throws Exception {
        Plan field = PlanReader.read(FIELD_PLAN);
        return new Plan(field.name(), field.configs().stream()
                .filter(c -> c.role() == Role.BASELINE || c.name().equals("skip-paging-io")).toList(), field.runs(),
                field.seed(), field.threshold(), field.maxCoverageLoss(), field.model());
    }

    @Test
    void theBaselineReproducesInSomeRunsAndSkipPagingIoIsConfirmedByTheRunsStatistics() throws Exception {
        Plan plan = baselineAndSkipPagingIo();
        MatrixSummary s;
        try (SimLab lab = new SimLab(plan.model())) {
            s = MatrixSession.run(plan, lab, dir, Shard.WHOLE, null, "xidfilter.sys",
                    new PlainProgress(new PrintWriter(Writer.nullWriter())));
        }

        ConfigResult baseline = s.configs().get(0);
        assertTrue(baseline.reentryCrashes() > 0 && baseline.reentryCrashes() < baseline.runs(),
                baseline.reentryCrashes() + " of " + baseline.runs());
        assertTrue(baseline.bound() > plan.threshold(), "the baseline is separated from the threshold: "
                + baseline.boundText());
        assertEquals(Verdict.CONFIRMED, s.configs().get(1).verdict());
        assertEquals(Verdict.CONFIRMED, s.verdict());
    }

    @Test
    void theBoundItsCommentGivesForAFixWithoutACrashIsTheExactOne() throws Exception {
        Plan field = PlanReader.read(FIELD_PLAN);

        assertTrue(Files.readString(FIELD_PLAN).contains("# " + field.runs() + " runs: a fix without a crash then has"
                + " a 95% upper bound of " + Percent.of(RateBounds.exactUpper(0, field.runs())) + ","));
    }

    @Test
    void throughTheStoreManagerTheBaselineCannotReproduceAndTheMatrixIsInconclusive() {
        CliRun r = CliRun.of("matrix", "--plan", FIELD_PLAN.toString(), "--runs", "5", "--paging-path", "store",
                "--report", dir.toString());

        assertEquals(ExitCode.CHECK_FAILED, r.exitCode(), r.err());
        assertTrue(r.out().contains("VERDICT: INCONCLUSIVE"), r.out());
        assertTrue(r.out().contains("the baseline never hit the re-entry crash in 5 runs"), r.out());
        assertTrue(r.out().contains("kernel model: same-thread-fault=refault, paging-requestor=faulting-thread"
                + " (assumptions), paging-path=store, dump=mini"), r.out());
    }

    @Test
    void theNamedAssumptionIsInTheResultsFilesHeader() throws Exception {
        CliRun.of("matrix", "--runs", "1", "--same-thread-fault", "wait", "--report", dir.toString());

        String header = Files.readAllLines(dir.resolve(MatrixSession.RESULTS)).get(0);
        assertTrue(header.contains("\"model\":\"same-thread-fault=wait, paging-requestor=faulting-thread"
                + " (assumptions)"), header);
        List<String> runs = Files.readAllLines(dir.resolve(MatrixSession.RESULTS));
        assertTrue(runs.get(1).contains("\"outcome\":\"hung\""), "the field configuration hangs: " + runs.get(1));
    }

    @Test
    void theModelsSwitchesAreRefusedForARealKernelsLab() {
        CliRun r = CliRun.of("matrix", "--lab", "vagrant", "--paging-path", "store", "--report", dir.toString());

        assertEquals(ExitCode.USAGE, r.exitCode());
        assertTrue(r.err().contains("set up the kernel model (--lab sim)"), r.err());
    }
}
