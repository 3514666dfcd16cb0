package dev.xidlab.lab.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.crash.CrashAnalyzer;
import dev.xidlab.lab.runner.CommandResult;
import dev.xidlab.lab.runner.ProcessCommandRunner;
import dev.xidlab.matrix.MatrixSession;
import dev.xidlab.plan.Plan;
import dev.xidlab.plan.PlanException;
import dev.xidlab.plan.PlanReader;
import dev.xidlab.plan.Role;
import dev.xidlab.plan.Shard;
import dev.xidlab.run.PlainProgress;
import dev.xidlab.run.ResultsFile;
import dev.xidlab.run.RunRecord;
import dev.xidlab.verdict.ConfigResult;
import dev.xidlab.verdict.MatrixSummary;
import dev.xidlab.verdict.Verdict;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Your driver in the loop (issue 24) through real Vagrant on the stand-in guest: xidfilter as the positive control
 * and two builds of a "vendor" filter, vendorflt.sys, as driver packages (the old build that crashes, the fixed one
 * with SKIP_PAGING_IO, once with its probe and once without). The packages are stand-in builds, labelled as such:
 * the kernel model with its driver named vendorflt.sys and its registration compiled in ({@code make -C driver
 * standin-package}), not Windows drivers; what they prove is the host side: a package uploaded, installed, swapped
 * per configuration and uninstalled, its crashes attributed to its own module in the dumps fetched after each real
 * reboot, its probe run in the guest, and the verdict's rules on the control and on probes.
 *
 * <p>It is also the lab's soak: at least eight crash, reboot and next-run cycles in a row through Vagrant on the
 * host (the control's and the baseline's crashes, between the fixes' runs), every one seen by the panic device and
 * none a lab error. It needs what {@link StandInLabIT} needs; without it, it skips and says which is missing.
 */
class ForeignDriverStandInIT {

    private static final Path PACKAGES = StandInFixture.HOME.resolve("target/it-packages");
    private static final String PROBE = "sh /opt/xidlab/drivers/vendorflt/still-filters.sh";
    private static final String PLAN = String.join("\n",
            "name: vendor-stand-in",
            "runs: 10",
            "seed: 1",
            "threshold: 0.3",
            "stress: {workers: 4, processes: 32, pressure: high, operations: 20000}",
            "configurations:",
            "  - {name: control, role: control, mode: lookup}",
            "  - {name: v4.2.1, role: baseline, driver: {package: vendorflt-4.2.1/}}",
            "  - {name: v4.2.2, driver: {package: vendorflt-4.2.2/}, probe: \"" + PROBE + "\"}",
            "  - {name: v4.2.2-without-probe, driver: {package: vendorflt-4.2.2/}}",
            "");
    /** A real Windows driver as a package: the stand-in guest cannot load it, and must say so before any run. */
    private static final String WINDOWS_PLAN = String.join("\n",
            "name: windows-binary-on-the-stand-in",
            "runs: 1",
            "configurations:",
            "  - {name: field, role: baseline, driver: {package: windows-xidfilter/}}",
            "  - {name: fix, driver: {package: vendorflt-4.2.2/}}",
            "");

    @BeforeAll
    static void aHypervisorVagrantAndTheBox() {
        StandInFixture.assumeHypervisorVagrantAndTheBox();
    }

    @Test
    void theControlAndTheOldBuildReproduceTheFixedBuildIsConfirmedOnlyWithItsProbe() throws Exception {
        Plan plan = PlanReader.parse(writePackagesAndPlan(), PACKAGES.resolve("vendor.yaml").toString(), false);
        Plan windowsBinary = PlanReader.parse(WINDOWS_PLAN, PACKAGES.resolve("windows.yaml").toString(), false);
        Path refused = StandInFixture.reportDir("foreign-refused");
        Path report = StandInFixture.reportDir("foreign");
        VagrantLab lab = StandInFixture.lab(new ProcessCommandRunner(), "xidlab-it-foreign-");

        MatrixSummary summary = StandInFixture.matrix(lab, plan, report, true, booted -> {
            // A package that does not install is refused with its reason before any run, and nothing is written.
            PlanException e = assertThrows(PlanException.class, () -> MatrixSession.run(windowsBinary, booted,
                    refused, Shard.WHOLE, null, "xidfilter.sys", new PlainProgress(new PrintWriter(System.err, true)),
                    false));
            assertTrue(e.getMessage().startsWith("driver package windows-xidfilter/ (xidfilter.sys) did not install:"),
                    e.getMessage());
            assertTrue(e.getMessage().contains("the stand-in guest runs no Windows binary"), e.getMessage());
            assertFalse(Files.exists(refused.resolve(MatrixSession.RESULTS)));
        });

        assertEquals(List.of(), summary.labErrors(), "lab errors (evidence under " + report + ")");
        ConfigResult control = config(summary, "control");
        ConfigResult baseline = config(summary, "v4.2.1");
        ConfigResult fix = config(summary, "v4.2.2");
        ConfigResult unprobed = config(summary, "v4.2.2-without-probe");
        assertEquals(Verdict.REPRODUCED, control.verdict(), control.reason());
        assertEquals(Verdict.REPRODUCED, baseline.verdict(), baseline.reason());
        assertEquals(baseline.crashes(), baseline.reentryCrashes(), baseline.reason());
        assertEquals(Verdict.CONFIRMED, fix.verdict(), fix.reason());
        assertEquals(Verdict.INCONCLUSIVE, unprobed.verdict(), unprobed.reason());
        assertTrue(unprobed.reason().contains("coverage not measured: give a probe"), unprobed.reason());
        assertEquals(List.of(0, 0, 0), List.of(unprobed.crashes(), unprobed.hangs(), unprobed.labErrors()));

        List<RunRecord> runs = ResultsFile.read(report.resolve(MatrixSession.RESULTS)).runs();
        // The old build's crashes are attributed to its own module, from the dumps fetched after the reboots.
        for (RunRecord r : runs.stream().filter(r -> r.config().equals("v4.2.1")).toList()) {
            RunRecord.Analysis a = r.crash().orElseThrow().analysis().orElseThrow();
            assertTrue(a.reentry(), r.toString());
            assertEquals("vendorflt.sys", a.crashModule().orElseThrow(), r.toString());
            Path dump = report.resolve(r.crash().get().dump().orElseThrow());
            assertTrue(CrashAnalyzer.analyze(dump, "vendorflt.sys").reentry(), dump.toString());
            assertFalse(CrashAnalyzer.analyze(dump, "xidfilter.sys").reentry(), dump + ": not xidfilter's recursion");
            assertTrue(r.telemetry().isEmpty(), "a user's driver reports no telemetry: " + r);
        }
        // The control is xidfilter, attributed to xidfilter.sys.
        for (RunRecord r : runs.stream().filter(r -> r.role() == Role.CONTROL).toList()) {
            assertEquals("xidfilter.sys", r.crash().orElseThrow().analysis().orElseThrow().crashModule().orElseThrow());
        }
        // The probe ran in the guest after every run of the probed build, and passed; the other build has none.
        assertTrue(runs.stream().filter(r -> r.config().equals("v4.2.2"))
                .allMatch(r -> r.probe().map(RunRecord.Probe::passed).orElse(false)), runs.toString());
        assertTrue(runs.stream().filter(r -> r.config().equals("v4.2.2-without-probe"))
                .allMatch(r -> r.probe().isEmpty()));

        // The soak: every crash was seen by the hypervisor first and came back, none a lab error.
        int crashes = control.crashes() + baseline.crashes();
        assertTrue(crashes >= 8, "crash cycles: " + crashes);
        assertEquals(crashes, lab.crashSightings().size());
        assertTrue(lab.crashSightings().stream().allMatch(s -> s.signal() == VagrantLab.Signal.PANIC_DEVICE),
                lab.crashSightings().toString());
        String md = Files.readString(report.resolve("report.md"));
        assertTrue(md.contains(StandInGuest.NOTICE));
        // The report's representative crash is the user's build's, its frames in its own module.
        assertTrue(md.contains("## A representative crash (v4.2.1#") && md.contains("vendorflt.sys+0x"), md);
    }

    private static ConfigResult config(MatrixSummary summary, String name) {
        return summary.configs().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    /**
     * The two stand-in builds from the one C build, and the Windows driver the Maven build made (target/driver) as
     * a package of its own with an INF that names it; returns the plan.
     */
    private static String writePackagesAndPlan() throws Exception {
        build("vendorflt-4.2.1", "none");
        build("vendorflt-4.2.2", "paging-io");
        Path windows = PACKAGES.resolve("windows-xidfilter");
        Files.createDirectories(windows);
        Files.copy(StandInFixture.HOME.resolve("target/driver/xidfilter.sys"), windows.resolve("xidfilter.sys"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.copy(StandInFixture.HOME.resolve("driver/wdk/xidfilter.inf"), windows.resolve("xidfilter.inf"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(PACKAGES.resolve("vendor.yaml"), PLAN);
        return PLAN;
    }

    private static void build(String dir, String skip) {
        CommandResult r = new ProcessCommandRunner().run(List.of("make", "-s", "-C",
                StandInFixture.HOME.resolve("driver").toString(), "standin-package",
                "OUT=" + PACKAGES.resolve(dir), "NAME=vendorflt", "SKIP=" + skip), StandInFixture.HOME,
                Duration.ofMinutes(5));
        assertTrue(r.succeeded(), "make standin-package: " + r.stderr());
    }
}
