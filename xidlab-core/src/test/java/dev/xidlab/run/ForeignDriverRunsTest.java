package dev.xidlab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.lab.RunOutcome;
import dev.xidlab.matrix.MatrixSession;
import dev.xidlab.plan.Plan;
import dev.xidlab.plan.PlanException;
import dev.xidlab.plan.PlanReader;
import dev.xidlab.plan.Shard;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a matrix runs a configuration that brings the user's driver package (issue 24) on a lab that installs it. */
class ForeignDriverRunsTest {

    @TempDir
    Path dir;

    @BeforeEach
    void packages() throws Exception {
        for (String build : List.of("a", "b")) {
            Files.createDirectories(dir.resolve("builds/" + build));
            Files.writeString(dir.resolve("builds/" + build + "/vendorflt.inf"), "; vendorflt " + build);
            Files.writeString(dir.resolve("builds/" + build + "/vendorflt.sys"), "vendorflt " + build);
        }
    }

    private Plan plan() throws PlanException {
        return PlanReader.parse(String.join("\n", "name: p", "runs: 1", "configurations:",
                "  - {name: control, role: control, mode: lookup}",
                "  - {name: v1, role: baseline, driver: {package: builds/a/}}",
                "  - {name: v2, driver: {package: builds/b/}, probe: still-filters.exe}", ""),
                dir.resolve("plan.yaml").toString(), false);
    }

    private void matrix(ScriptedLab lab) throws Exception {
        MatrixSession.run(plan(), lab, dir.resolve("report"), Shard.WHOLE, null, "xidfilter.sys",
                new PlainProgress(new PrintWriter(System.err, true)));
    }

    @Test
    void everyPackageIsInstalledOnceBeforeTheFirstRun() throws Exception {
        ScriptedLab lab = new ScriptedLab();

        matrix(lab);

        assertEquals(List.of("boot", "use vendorflt.sys", "use vendorflt.sys"), lab.calls.subList(0, 3));
        assertEquals("boot", lab.calls.get(3), "then the first run");
    }

    @Test
    void aPackageThatDoesNotInstallIsRefusedWithItsReasonAndNothingRuns() throws Exception {
        ScriptedLab lab = new ScriptedLab();
        lab.failingPackage = "vendorflt.sys";

        PlanException e = assertThrows(PlanException.class, () -> matrix(lab));

        assertEquals("driver package builds/a/ (vendorflt.sys) did not install: fltmc load answered 0x80070241;"
                + " nothing was run", e.getMessage());
        assertTrue(lab.calls.stream().noneMatch(c -> c.startsWith("stress")), lab.calls.toString());
        assertFalse(Files.exists(dir.resolve("report").resolve(MatrixSession.RESULTS)));
    }

    @Test
    void aForeignRunLoadsThePackageAndNeverConfiguresXidfilter() throws Exception {
        ScriptedLab lab = new ScriptedLab();

        matrix(lab);

        int firstRun = 3;
        int baseline = firstRun + lab.calls.subList(firstRun, lab.calls.size()).indexOf("use vendorflt.sys") - 1;
        List<String> baselineRun = lab.calls.subList(baseline, lab.calls.size());
        assertEquals("boot", baselineRun.get(0));
        assertEquals("use vendorflt.sys", baselineRun.get(1));
        assertTrue(baselineRun.get(2).startsWith("stress "), baselineRun.toString());
        // The control, run first, is xidfilter: the lab swaps the package out and configures xidfilter.
        assertEquals(List.of("boot", "use xidfilter", "deploy"), lab.calls.subList(3, 6));
    }

    @Test
    void theProbeRunsAfterEachSurvivedLoadAndItsExitCodeJoinsTheRecord() throws Exception {
        ScriptedLab lab = new ScriptedLab();
        lab.probeExit = 3;

        matrix(lab);

        assertEquals(1, lab.calls.stream().filter(c -> c.equals("probe still-filters.exe")).count());
        List<RunRecord> runs = ResultsFile.read(dir.resolve("report").resolve(MatrixSession.RESULTS)).runs();
        RunRecord fix = runs.stream().filter(r -> r.config().equals("v2")).findFirst().orElseThrow();
        assertEquals(Optional.of(new RunRecord.Probe(3)), fix.probe());
        assertTrue(runs.stream().filter(r -> !r.config().equals("v2")).allMatch(r -> r.probe().isEmpty()));
    }

    @Test
    void aRunOfTheUsersDriverThatSurvivedHasNoTelemetry() throws Exception {
        ScriptedLab lab = new ScriptedLab();
        lab.outcome = c -> new RunOutcome.Survived(20_000, Duration.ofMillis(1), Optional.empty());

        matrix(lab);

        List<RunRecord> runs = ResultsFile.read(dir.resolve("report").resolve(MatrixSession.RESULTS)).runs();
        assertTrue(runs.stream().filter(r -> r.config().startsWith("v")).allMatch(r -> r.telemetry().isEmpty()));
    }
}
