package dev.xidlab.plan;

import dev.xidlab.cli.CliRun;
import dev.xidlab.command.ExitCode;
import dev.xidlab.device.KernelModel;
import dev.xidlab.lab.sim.SimLab;
import dev.xidlab.matrix.MatrixSession;
import dev.xidlab.run.PlainProgress;
import dev.xidlab.site.Environment;
import dev.xidlab.site.SiteProfiler;
import dev.xidlab.verdict.ConfigResult;
import dev.xidlab.verdict.Verdict;
import java.io.PrintWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The plan {@code crashes profile} makes from the real fixture dump: its machine and co-resident filters on the
 * kernel model, where they decide whether a low-stack guard holds.
 */
class SitePlanTest {

    static final Path FIXTURE = Path.of(System.getProperty("xidlab.projectDir", "."),
            "fixtures/dumps/triage_x64.dmp");

    @TempDir
    Path dir;

    /** The fixture's plan as the profile writes it, read back. */
    private Plan fixturePlan() throws Exception {
        Path file = dir.resolve("plan.yaml");
        CliRun r = CliRun.of("crashes", "profile", FIXTURE.toString(), "--name", "fixture", "--out", file.toString());
        assertEquals(ExitCode.OK, r.exitCode(), r.err());
        return PlanReader.read(file);
    }

    private ConfigResult lowStackGuard(Plan plan, String report) throws Exception {
        Plan guardOnly = new Plan(plan.name(), List.of(plan.baseline(), plan.configs().stream()
                .filter(c -> c.name().equals("low-stack-guard")).findFirst().orElseThrow()), 3, plan.seed(),
                plan.threshold(), plan.maxCoverageLoss(), plan.model(), plan.environment());
        try (SimLab lab = new SimLab(guardOnly.model())) {
            return MatrixSession.run(guardOnly, lab, dir.resolve(report), Shard.WHOLE, null, "xidfilter.sys",
                    new PlainProgress(new PrintWriter(Writer.nullWriter()))).configs().get(1);
        }
    }

    @Test
    void theFixturesPlanWritesItsMachineAndFiltersAndReadsBackAsTheSamePlan() throws Exception {
        Plan plan = fixturePlan();

        Environment site = plan.environment().orElseThrow();
        assertEquals(Optional.of(16), site.processors());
        assertEquals(7, site.filters().size());
        assertEquals(new StressProfileText(32, 256), new StressProfileText(plan.baseline().stress().workers(),
                plan.baseline().stress().processes()));
        assertEquals(plan, PlanReader.parse(PlanWriter.write(plan, List.of()), "again.yaml", false));
    }

    record StressProfileText(int workers, int processes) {
    }

    @Test
    void aLowStackGuardThatHoldsOnTheModelsOwnMachineFailsBesideTheFixturesFilters() throws Exception {
        assumeTrue(KernelModel.unavailableReason().isEmpty(), () -> KernelModel.unavailableReason().get());
        Plan site = fixturePlan();
        Environment filters = site.environment().orElseThrow();
        Plan withoutFilters = site.withEnvironment(new Environment(filters.build(), filters.architecture(),
                filters.processors(), filters.memoryMiB(), filters.filterAltitude(), List.of(), List.of(),
                java.util.Map.of()));

        ConfigResult alone = lowStackGuard(withoutFilters, "alone");
        ConfigResult beside = lowStackGuard(site, "beside");

        assertEquals(0, alone.crashes(), alone.reason());
        assertEquals(3, beside.reentryCrashes(), beside.reason());
        assertEquals(Verdict.NOT_CONFIRMED, beside.verdict());
    }

    /** The fixture's plan with the plan's own frame for some groups of filters. */
    private Plan withGroupFrames(String frames) throws Exception {
        fixturePlan();
        String yaml = Files.readString(dir.resolve("plan.yaml")).replace("\nenvironment:\n",
                "\nmodel: {filterFrames: {" + frames + "}}\nenvironment:\n");
        return PlanReader.parse(yaml, "frames.yaml", false);
    }

    @Test
    void theGuardHoldsBesideTheFixturesFiltersWhenThePlanGivesEveryGroupASmallFrame() throws Exception {
        assumeTrue(KernelModel.unavailableReason().isEmpty(), () -> KernelModel.unavailableReason().get());

        ConfigResult guard = lowStackGuard(withGroupFrames("top: 64, activity-monitor: 64, anti-virus: 64,"
                + " encryption: 64, bottom: 64"), "small");

        assertEquals(0, guard.crashes(), guard.reason());
    }

    @Test
    void theFiltersBelowOursStillCountForTheGuardAtTheLevelWhereItStopsTheRecursion() throws Exception {
        assumeTrue(KernelModel.unavailableReason().isEmpty(), () -> KernelModel.unavailableReason().get());

        // Only iorate and mssecflt run above ours; WdFilter and Filecrypt (2 KiB each, assumed) run below it, after
        // our guarded callback returns, on what stack the guard left.
        ConfigResult guard = lowStackGuard(withGroupFrames("top: 64, activity-monitor: 64"), "above-small");

        assertEquals(3, guard.reentryCrashes(), guard.reason());
    }

    @Test
    void aSitesOwnAltitudeDecidesWhichFiltersAreAboveIt() throws Exception {
        SiteProfiler.Request low = new SiteProfiler.Request("low", "xidfilter.sys", new BigDecimal("320000"), false);

        Environment e = SiteProfiler.profile(List.of(FIXTURE), low).machines().get(0).environment();

        assertEquals(List.of("iorate.sys", "mssecflt.sys", "WdFilter.sys"), e.above().stream()
                .map(dev.xidlab.site.ResidentFilter::module).toList());
    }
}
