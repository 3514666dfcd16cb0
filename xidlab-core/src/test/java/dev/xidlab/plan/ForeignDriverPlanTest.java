package dev.xidlab.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.lab.ForeignDriver;
import dev.xidlab.lab.sim.SimLab;
import dev.xidlab.lab.sim.StandInGuestLab;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plan's driver packages, probes, control and site filter packages (issue 24), as the reader takes them. */
class ForeignDriverPlanTest {

    @TempDir
    Path dir;

    @BeforeEach
    void packages() throws Exception {
        Files.createDirectories(dir.resolve("builds/a"));
        Files.writeString(dir.resolve("builds/a/vendorflt.inf"), "; example");
        Files.writeString(dir.resolve("builds/a/vendorflt.sys"), "example");
        Files.writeString(dir.resolve("builds/bare.sys"), "example");
    }

    Plan parse(String configs) throws PlanException {
        return PlanReader.parse("name: p\nconfigurations:\n  - {name: field, role: baseline, mode: lookup}\n" + configs,
                dir.resolve("plan.yaml").toString(), false);
    }

    /** The plan with these configurations is refused, and its message says this. */
    void refused(String configs, String says) {
        String message = assertThrows(PlanException.class, () -> parse(configs)).getMessage();
        assertTrue(message.contains(says), message);
    }

    @Test
    void theVendorExampleNamesItsModulesPdbAndSitePackage() throws Exception {
        Plan plan = PlanReader.read(Path.of("plans/vendor-example.yaml"));

        assertEquals(Role.CONTROL, plan.control().orElseThrow().role());
        ForeignDriver baseline = plan.baseline().foreign().orElseThrow();
        assertEquals("vendorflt.sys", baseline.module());
        assertTrue(baseline.inf().isPresent());
        ForeignDriver bare = plan.configs().get(2).foreign().orElseThrow();
        assertEquals(Optional.of("vendorflt"), bare.service());
        assertEquals(Optional.of(new BigDecimal("370030")), bare.altitude());
        assertTrue(bare.pdb().orElseThrow().endsWith("vendorflt.pdb"));
        assertEquals(Optional.of("C:\\tests\\still-filters.exe"), plan.configs().get(2).probe());
        assertEquals("acmeav.sys", plan.sitePackages().get(0).module());
    }

    @Test
    void aPackageDirectoryIsReadRelativeToThePlanFile() throws Exception {
        Plan plan = parse("  - {name: v2, driver: {package: builds/a/}}\n");

        assertEquals(dir.resolve("builds/a"), plan.configs().get(1).foreign().orElseThrow().path());
    }

    @Test
    void aMissingPackageIsRefusedOnItsLine() {
        refused("  - {name: v2, driver: {package: builds/none/}}\n",
                "plan.yaml line 4: driver package builds/none/ is not there");
    }

    @Test
    void aBareSysNeedsItsServiceAndAltitude() {
        refused("  - {name: v2, driver: {package: builds/bare.sys, service: vendorflt}}\n",
                "line 4: a bare .sys (bare.sys) is installed as a minifilter service:"
                + " give its service and altitude");
    }

    @Test
    void aControlHasNoDriverPackage() {
        refused("  - {name: c, role: control, driver: {package: builds/a/}}\n",
                "line 4: the control is xidfilter in lookup mode");
    }

    @Test
    void aControlIsXidfilterAsTheFieldRunsIt() {
        refused("  - {name: c, role: control, mode: lookup, skip: skip-paging-io}\n",
                "line 4: the control is xidfilter as the field runs it");
    }

    @Test
    void aPlanHasAtMostOneControl() {
        refused("  - {name: c1, role: control}\n  - {name: c2, role: control}\n",
                "line 5: a plan has at most one control (role: control); the first is on"
                + " line 4");
    }

    @Test
    void xidfiltersSettingsBesideADriverPackageAreRefused() {
        refused("  - {name: v2, driver: {package: builds/a/}, skip: skip-paging-io}\n",
                "'skip' is xidfilter's setting: 'v2' runs the driver package");
    }

    @Test
    void aProbeOnAnXidfilterFixIsTaken() throws Exception {
        Plan plan = parse("  - {name: fix, skip: skip-paging-io, probe: \"probe.exe --quick\"}\n");

        assertEquals(Optional.of("probe.exe --quick"), plan.configs().get(1).probe());
    }

    @Test
    void aSiteFilterPackageMustHoldItsModule() {
        PlanException e = assertThrows(PlanException.class, () -> PlanReader.parse("name: p\nconfigurations:\n"
                + "  - {name: field, role: baseline}\nenvironment:\n  filters:\n"
                + "    - {module: acmeav.sys, altitude: 321000, package: builds/a/}\n",
                dir.resolve("plan.yaml").toString(), false));

        assertTrue(e.getMessage().contains("line 6: the package of acmeav.sys (builds/a/) does not hold acmeav.sys"),
                e.getMessage());
    }

    @Test
    void theDriverPackageAndTheProbeArePartOfTheFingerprint() throws Exception {
        String bare = "  - {name: v2, driver: {package: builds/a/}";

        assertNotEquals(parse(bare + "}\n").fingerprint(), parse(bare + ", probe: p.exe}\n").fingerprint());
        assertNotEquals(parse("  - {name: v2}\n").fingerprint(), parse(bare + "}\n").fingerprint());
    }

    /** Why a plan whose configuration v2 brings builds/a/ cannot run on this lab (closed after). */
    Optional<String> refusalOf(dev.xidlab.lab.Lab lab) throws PlanException {
        try (lab) {
            return parse("  - {name: v2, driver: {package: builds/a/}}\n").cannotRunOn(lab);
        }
    }

    @Test
    void theKernelModelRefusesAForeignDriverWithTheReason() throws Exception {
        assertEquals(Optional.of("the kernel model (--lab sim) cannot run a foreign binary: configuration 'v2'"
                + " brings vendorflt.sys (builds/a/); run this plan on --lab vagrant"), refusalOf(new SimLab()));
        try (SimLab sim = new SimLab()) {
            assertEquals(Optional.empty(), parse("  - {name: c, role: control}\n").cannotRunOn(sim));
        }
    }

    @Test
    void aLabThatInstallsNoPackagesRefusesAForeignDriverRatherThanRunXidfilterInItsPlace() throws Exception {
        assertEquals(Optional.of("--lab standin does not install driver packages: configuration 'v2' brings"
                + " vendorflt.sys (builds/a/)"), refusalOf(new StandInGuestLab()));
    }
}
