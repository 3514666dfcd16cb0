package dev.xidlab.lab.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.dump.Machine;
import dev.xidlab.lab.LabUnavailableException;
import dev.xidlab.lab.runner.CommandResult;
import dev.xidlab.site.Environment;
import dev.xidlab.site.FilterGroup;
import dev.xidlab.site.ResidentFilter;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The VM lab standing for a customer's site: the guest sized by it, its build and filters checked against it. */
class VagrantLabSiteTest {

    static final Environment SITE = new Environment(Optional.of(19041), Optional.of(Machine.X64), Optional.of(16),
            Optional.of(16384), new BigDecimal("385100"), List.of(filter("WdFilter.sys", "328010"),
            filter("mssecflt.sys", "385600")), List.of(), Map.of());

    static ResidentFilter filter(String module, String altitude) {
        BigDecimal a = new BigDecimal(altitude);
        return new ResidentFilter(module, a, FilterGroup.of(a).orElseThrow(), Optional.empty(), false, false);
    }

    static VagrantLab.Setup setup(boolean allowMismatch) {
        return new VagrantLab.Setup(Path.of("/checkout"), "xidlab/windows", false, Duration.ofMinutes(1),
                Duration.ofMinutes(1), Duration.ofMinutes(1), Optional.empty(), Map.of("XIDLAB_DOMAIN_PREFIX", "x"))
                .forSite(SITE, allowMismatch, BIG_HOST);
    }

    /** A host that can give the site's whole machine. */
    static final HostCapacity BIG_HOST = new HostCapacity(32, Optional.of(65536));

    @Test
    void theGuestGetsTheSitesProcessorsAndMemoryThroughTheVariablesTheVagrantfileReads() {
        assertEquals(Map.of("XIDLAB_DOMAIN_PREFIX", "x", "XIDLAB_GUEST_CPUS", "16", "XIDLAB_GUEST_MEMORY", "16384"),
                setup(false).environment());
    }

    @Test
    void aSiteBiggerThanTheHostGetsWhatTheHostCanGiveAndEveryReportSaysSo() {
        VagrantLab.Setup small = new VagrantLab.Setup(Path.of("/checkout"), "xidlab/windows", false,
                Duration.ofMinutes(1), Duration.ofMinutes(1), Duration.ofMinutes(1), Optional.empty(), Map.of())
                .forSite(SITE, false, new HostCapacity(2, Optional.of(12288)));

        assertEquals(Map.of("XIDLAB_GUEST_CPUS", "2", "XIDLAB_GUEST_MEMORY", "10240"), small.environment());
        assertEquals(List.of("environment partial: the guest has 2 of the site's 16 processors (all this host can"
                + " give)", "environment partial: the guest has 10240 of the site's 16384 MiB of memory (all this"
                + " host can give)"), VagrantLab.judgeSite(small, Optional.of(19041), List.of("WdFilter", "mssecflt")));
    }

    @Test
    void theHostsMemoryIsReadFromMeminfo() throws Exception {
        java.nio.file.Path meminfo = java.nio.file.Files.createTempFile("meminfo", "");
        java.nio.file.Files.writeString(meminfo, "MemTotal:       24641260 kB\nMemFree:        1000 kB\n");

        assertEquals(Optional.of(24063), HostCapacity.memInfoMiB(meminfo));
        java.nio.file.Files.delete(meminfo);
    }

    @Test
    void aBoxOfAnotherBuildIsRefusedWithBothBuilds() {
        LabUnavailableException e = assertThrows(LabUnavailableException.class,
                () -> VagrantLab.judgeSite(setup(false), Optional.of(22621), List.of("WdFilter", "mssecflt")));

        assertEquals("the box xidlab/windows runs Windows build 22621, the site's dumps build 19041: use a box of"
                + " that build, or --allow-build-mismatch to run anyway", e.getMessage());
    }

    @Test
    void anAllowedBuildMismatchIsAWarningForEveryReport() {
        assertEquals(List.of("WARNING: the box xidlab/windows runs Windows build 22621, the site's dumps build 19041"
                + " (--allow-build-mismatch)"), VagrantLab.judgeSite(setup(true), Optional.of(22621),
                List.of("WdFilter", "mssecflt")));
    }

    @Test
    void theSitesFiltersTheGuestLacksMakeTheEnvironmentPartial() {
        assertEquals(List.of("environment partial: the guest lacks 1 of the site's 2 co-resident filters"
                + " (mssecflt.sys)"), VagrantLab.judgeSite(setup(false), Optional.of(19041), List.of("bindflt",
                "WdFilter", "FileInfo")));
    }

    @Test
    void theWindowsGuestReadsItsBuildFromItsVersionString() {
        assertEquals(Optional.of(19045), new WindowsGuest().windowsBuild(new CommandResult(0,
                "Microsoft Windows NT 10.0.19045.0\r\n", "", false)));
    }

    @Test
    void aWindows10Release22H2GuestHasTheKernelBuildItsDumpsRecord() {
        // 22H2's version string says 19045; its kernel, and so its dumps' headers, say 19041.
        assertEquals(Optional.of(19041), new WindowsGuest().windowsBuild(new CommandResult(0,
                "Microsoft Windows NT 10.0.19045.0\r\nkernel build 19041\r\n", "", false)));
    }

    @Test
    void theWindowsGuestReadsItsFiltersFromFltmc() {
        String fltmc = """

                Filter Name                     Num Instances    Altitude    Frame
                ------------------------------  -------------  ------------  -----
                bindflt                                 1       409800         0
                WdFilter                                4       328010         0
                FileInfo                                4       40500          0
                """;

        assertEquals(List.of("bindflt", "WdFilter", "FileInfo"), new WindowsGuest().parseFilters(fltmc));
    }

    @Test
    void theStandInGuestHasNoWindowsBuildAndNoFilters() {
        assertTrue(new StandInGuest().windowsBuild(new CommandResult(0, "Linux\nxidlab-standin\n", "", false))
                .isEmpty());
        assertEquals(List.of("the guest has no Windows build to check against the site's 19041",
                "environment partial: the guest lacks 2 of the site's 2 co-resident filters (mssecflt.sys,"
                        + " WdFilter.sys)"), VagrantLab.judgeSite(setup(false), Optional.empty(), List.of()));
    }
}
