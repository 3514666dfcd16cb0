package dev.xidlab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xidlab.device.KernelModel;
import dev.xidlab.lab.RunOutcome;
import dev.xidlab.matrix.MatrixSession;
import dev.xidlab.plan.DefaultPlan;
import dev.xidlab.plan.Plan;
import dev.xidlab.plan.PlanException;
import dev.xidlab.plan.PlannedRun;
import dev.xidlab.plan.Shard;
import dev.xidlab.protocol.XidMode;
import dev.xidlab.testing.ModelCrash;
import dev.xidlab.verdict.MatrixSummary;
import dev.xidlab.verdict.Verdict;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MatrixRunnerTest {

    /** The default plan's five configurations, one run each, a boot per run. */
    static final Plan ONE_RUN_EACH = DefaultPlan.plan().withRuns(1);

    @TempDir
    Path dir;

    /** Runs the whole of plan on lab, its report in dir and its progress on stderr. */
    MatrixSummary matrix(Plan plan, ScriptedLab lab) throws IOException, PlanException {
        return MatrixSession.run(plan, lab, dir, Shard.WHOLE, null, "xidfilter.sys",
                new PlainProgress(new java.io.PrintWriter(System.err, true)));
    }

    /** The runs that matrix recorded in dir, in plan order. */
    List<RunRecord> recorded() throws IOException, PlanException {
        return ResultsFile.read(dir.resolve(MatrixSession.RESULTS)).runs();
    }

    @Test
    void eachRunBootsDeploysConfiguresReloadsResetsAndStresses() throws Exception {
        ScriptedLab lab = new ScriptedLab();

        matrix(ONE_RUN_EACH, lab);

        PlannedRun first = ONE_RUN_EACH.expand().get(0);
        assertEquals(List.of("boot", "use xidfilter", "deploy", "file images into symbols", "set lookup", "reload",
                "reset", "stress " + first.seed()), lab.calls.subList(0, 8));
    }

    @Test
    void theMachinesKernelImagesAreFiledIntoTheReportsSymbolStoreOncePerMatrix() throws Exception {
        ScriptedLab lab = new ScriptedLab();

        matrix(DefaultPlan.plan().withRuns(2), lab);

        assertEquals(1, lab.calls.stream().filter(c -> c.startsWith("file images")).count());
    }

    @Test
    void aLabFailureIsRecordedAndTheMatrixGoesOn() throws Exception {
        ScriptedLab lab = ScriptedLab.failingEveryBootAfter(3);

        MatrixSummary s = matrix(ONE_RUN_EACH, lab);

        List<RunRecord> records = recorded();
        assertEquals(5, records.size(), "every run was recorded");
        assertEquals(3, records.stream().filter(r -> !r.labError()).count(), "boots 4 and 5 failed");
        assertEquals("the VM did not come up", records.get(4).error().orElseThrow());
        assertEquals(1, s.configs().get(3).labErrors());
    }

    @Test
    void aLabFailureBeforeTheLoadIsExcused() throws Exception {
        ScriptedLab lab = ScriptedLab.failingEveryBootAfter(3);

        matrix(ONE_RUN_EACH, lab);

        RunRecord failedBoot = recorded().get(4);
        assertEquals(Optional.of(RunOutcome.LabFailure.Phase.BEFORE_LOAD), failedBoot.labPhase());
    }

    @Test
    void whatFailsOnceTheLoadStartedCountsAgainstTheFix() throws Exception {
        ScriptedLab lab = new ScriptedLab();
        lab.outcome = c -> {
            if (c.xidMode() == XidMode.CACHED) {
                throw new java.io.UncheckedIOException("cannot keep the model's dump in dumps/cached/run-0",
                        new java.io.IOException("Not a directory"));
            }
            return ScriptedLab.survived(20_000);
        };

        MatrixSummary s = matrix(ONE_RUN_EACH, lab);

        RunRecord cached = recorded().get(3);
        assertEquals(Optional.of(RunOutcome.LabFailure.Phase.AFTER_LOAD), cached.labPhase());
        assertEquals(Verdict.NOT_CONFIRMED, s.configs().get(3).verdict());
    }

    @Test
    void aHungRunIsRecordedAsAHangAndCountsAgainstTheFix() throws Exception {
        ScriptedLab lab = new ScriptedLab();
        lab.outcome = c -> c.xidMode() == XidMode.CACHED
                ? new RunOutcome.Hung("the load sent nothing for 70 min", Duration.ofMinutes(70), 1200,
                        Duration.ofMinutes(71), Optional.empty(), List.of())
                : ScriptedLab.survived(20_000);

        MatrixSummary s = matrix(ONE_RUN_EACH, lab);

        RunRecord cached = recorded().get(3);
        assertEquals(RunRecord.Outcome.HUNG, cached.outcome());
        assertEquals(1200, cached.operations());
        assertEquals(Verdict.NOT_CONFIRMED, s.configs().get(3).verdict());
    }

    @Test
    void aLabErrorKeepsItsReasonAndWhatTheLabSawInTheRunsEvidenceDirectory() throws Exception {
        ScriptedLab lab = ScriptedLab.failingEveryBootAfter(4);

        matrix(ONE_RUN_EACH, lab);

        RunRecord failed = recorded().get(4);
        Path evidence = dir.resolve(failed.slot().evidencePath());
        assertEquals("the VM did not come up\n", java.nio.file.Files.readString(evidence.resolve("lab-error.txt")));
        assertEquals("boot\n", java.nio.file.Files.readString(evidence.resolve("lab-trace.log")));
        assertEquals(List.of("keep evidence of the VM did not come up"),
                lab.calls.stream().filter(c -> c.startsWith("keep evidence")).toList(), "only the failed run's");
    }

    @Test
    void theReportListsEveryLabErrorWithItsReasonAndItsEvidence() throws Exception {
        ScriptedLab lab = ScriptedLab.failingEveryBootAfter(4);

        MatrixSummary s = matrix(ONE_RUN_EACH, lab);

        String name = DefaultPlan.plan().configs().get(4).name();
        assertEquals(List.of(new MatrixSummary.LabError(name + "#0", "the VM did not come up", "dumps/" + name + "/run-0")),
                s.labErrors());
        String md = java.nio.file.Files.readString(dir.resolve("report.md"));
        org.junit.jupiter.api.Assertions.assertTrue(md.contains("## Lab errors\n"), md);
        org.junit.jupiter.api.Assertions.assertTrue(md.contains("- `" + name + "#0`: the VM did not come up (evidence: `dumps/"
                + name + "/run-0/`)"), md);
    }

    @Test
    void aRestartWindowsServicingAskedForMidRunIsALabErrorLeftOutOfTheRunsTheVerdictCounts() throws Exception {
        ScriptedLab lab = new ScriptedLab();
        lab.outcome = c -> c.xidMode() == XidMode.CACHED
                ? RunOutcome.LabFailure.plannedRestart("Windows servicing (Windows Update) restarted the guest",
                        Duration.ofMinutes(4))
                : ScriptedLab.survived(20_000);

        MatrixSummary s = matrix(ONE_RUN_EACH, lab);

        RunRecord cached = recorded().get(3);
        assertEquals(RunRecord.Outcome.LAB_ERROR, cached.outcome());
        assertEquals("the guest restarted on request during the load, not from a crash: Windows servicing (Windows"
                + " Update) restarted the guest", cached.error().orElseThrow());
        assertEquals(List.of(0, 1), List.of(s.configs().get(3).runs(), s.configs().get(3).labErrors()));
    }

    @Test
    void aHangWhoseLabForcedADumpKeepsItsBugcheckAndTheStackWhereTheThreadWasStuck() throws Exception {
        assumeTrue(KernelModel.unavailableReason().isEmpty(), () -> KernelModel.unavailableReason().orElse(""));
        Path dump = ModelCrash.nmiDumpOfAHang(java.nio.file.Files.createDirectories(dir.resolve("dumps/cached/run-0")));
        ScriptedLab lab = new ScriptedLab();
        lab.outcome = c -> c.xidMode() == XidMode.CACHED
                ? new RunOutcome.Hung("the load did not finish within its bound of 600 s while the guest still"
                        + " answered; an NMI was sent", Duration.ofMinutes(10), 0, Duration.ofMinutes(12),
                        Optional.empty(), List.of(dump), Optional.of(dump))
                : ScriptedLab.survived(20_000);

        matrix(ONE_RUN_EACH, lab);

        RunRecord cached = recorded().get(3);
        RunRecord.Crash forced = cached.hang().orElseThrow().forced().orElseThrow();
        assertEquals(RunRecord.Outcome.HUNG, cached.outcome());
        assertEquals("0x00000080 NMI_HARDWARE_FAILURE (0x4f4454, 0x0, 0x0, 0x0)", forced.stop());
        assertEquals(Optional.of("dumps/cached/run-0/" + dump.getFileName()), forced.dump());
        List<String> stack = forced.analysis().orElseThrow().stack();
        assertTrue(stack.stream().anyMatch(f -> f.startsWith("xidfilter.sys+")), stack.toString());
        assertTrue(cached.crash().isEmpty(), "a hang is no crash, whatever its lab forced");
    }
}
