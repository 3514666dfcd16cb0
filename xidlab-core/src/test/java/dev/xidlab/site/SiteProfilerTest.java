package dev.xidlab.site;

import static dev.xidlab.site.ModelSite.minifilter;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xidlab.device.KernelModel;
import dev.xidlab.dump.Machine;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A customer's crash dumps read as the machine they came from: the real fixture, and dumps the model writes. */
class SiteProfilerTest {

    static final Path FIXTURE = Path.of(System.getProperty("xidlab.projectDir", "."),
            "fixtures/dumps/triage_x64.dmp");
    static final SiteProfiler.Request SITE = new SiteProfiler.Request("acme", "xidfilter.sys",
            new BigDecimal("385100"), false);

    @TempDir
    Path dir;

    static MachineProfile one(List<Path> dumps) throws ProfileException {
        SiteProfile p = SiteProfiler.profile(dumps, SITE);
        assertEquals(1, p.machines().size());
        return p.machines().get(0);
    }

    static List<String> filterModules(MachineProfile m) {
        return m.filters().stream().map(f -> f.filter().module()).toList();
    }

    @Test
    void theFixturesMachineIsItsHeadersBuildArchitectureProcessorsAndUpTimeWithMemoryUnknown() throws Exception {
        MachineProfile m = one(List.of(FIXTURE));

        assertEquals(Optional.of(19041), m.environment().build());
        assertEquals(Optional.of(Machine.X64), m.environment().architecture());
        assertEquals(Optional.of(16), m.environment().processors());
        assertEquals(Optional.empty(), m.environment().memoryMiB());
        assertEquals(Duration.ofNanos(3_747_069_700L), m.crashes().get(0).upTime());
    }

    @Test
    void theFixturesFileSystemFiltersAreDefendersAndWindowsOwnMinifiltersAtTheirAllocatedAltitudes() throws Exception {
        MachineProfile m = one(List.of(FIXTURE));

        assertEquals(List.of("iorate.sys", "mssecflt.sys", "WdFilter.sys", "Filecrypt.sys", "Npsvctrig.sys",
                "wof.sys", "FileInfo.sys"), filterModules(m));
        MachineProfile.FilterFinding wd = m.filters().get(2);
        assertEquals(new BigDecimal("328010"), wd.filter().altitude());
        assertEquals("FSFilter Anti-Virus", wd.filter().group().name());
        assertFalse(wd.above());
        assertEquals(List.of("iorate.sys", "mssecflt.sys"), m.environment().above().stream()
                .map(ResidentFilter::module).toList());
    }

    @Test
    void everyOneOfTheFixtures151ModulesIsAFilterAnUnknownDriverOrKnownNotToBeOne() throws Exception {
        MachineProfile m = one(List.of(FIXTURE));

        assertEquals(151, m.modules());
        assertEquals(22, m.environment().unknownModules().size());
    }

    @Test
    void aDriverNoTableKnowsIsListedAsUnknownNotAnError() throws Exception {
        MachineProfile m = one(List.of(FIXTURE));

        assertTrue(m.environment().unknownModules().containsAll(List.of("VBoxDrv.sys", "npcap.sys")),
                "" + m.environment().unknownModules());
        assertFalse(m.environment().unknownModules().contains("Ntfs.sys"));
    }

    @Test
    void theFixturesCrashIsNotTheReentryCrash() throws Exception {
        MachineProfile m = one(List.of(FIXTURE));

        assertEquals("0x1000007E", m.crashes().get(0).bugcheck());
        assertFalse(m.matchesFieldPattern());
    }

    @Test
    void aModelSitesMinidumpAndKernelDumpAreOneReentryCrashWithItsMemoryAndItsFilters() throws Exception {
        assumeTrue(KernelModel.unavailableReason().isEmpty());
        List<Path> dumps = ModelSite.crash(dir, 22621, 8, 0x200000, minifilter("mssecflt.sys", 385600, 0x800),
                minifilter("WdFilter.sys", 328010, 0x800));

        MachineProfile m = one(dumps);

        assertEquals(1, m.crashes().size());
        assertEquals(2, m.crashes().get(0).dumps().size());
        assertEquals(Optional.of(22621), m.environment().build());
        assertEquals(Optional.of(8192), m.environment().memoryMiB());
        assertEquals(List.of("mssecflt.sys", "WdFilter.sys"), filterModules(m));
        assertEquals(Optional.of("xidfilter.sys"), m.ours());
        assertTrue(m.matchesFieldPattern());
        assertTrue(m.crashes().get(0).depth() > 0);
        // mssecflt's callback returns before ours is called at each level: it is not left on the stack
        assertEquals(java.util.Set.of("xidfilter.sys", "FLTMGR.SYS", "ntoskrnl.exe"),
                java.util.Set.copyOf(m.modulesOnOverflowedStacks()));
    }

    @Test
    void modelSitesWithOtherFilterSetsAreProfiledWithTheirOwnFilters() throws Exception {
        assumeTrue(KernelModel.unavailableReason().isEmpty());
        Path a = Files.createDirectory(dir.resolve("a"));
        Path b = Files.createDirectory(dir.resolve("b"));

        MachineProfile siteA = one(ModelSite.crash(a, 19045, 4, 0x100000, minifilter("SysmonDrv.sys", 385201, 0x400)));
        MachineProfile siteB = one(ModelSite.crash(b, 19045, 4, 0x100000, minifilter("bindflt.sys", 409800, 0x400),
                minifilter("CSBFilter.sys", 389060, 0x400), minifilter("FileInfo.sys", 40500, 0x100)));

        assertEquals(List.of("SysmonDrv.sys"), filterModules(siteA));
        assertEquals(List.of("bindflt.sys", "CSBFilter.sys", "FileInfo.sys"), filterModules(siteB));
        assertEquals(2, siteB.environment().above().size());
    }

    @Test
    void dumpsOfTwoMachinesAreRefusedAsOneSite() throws Exception {
        assumeTrue(KernelModel.unavailableReason().isEmpty());
        List<Path> dumps = new ArrayList<>(ModelSite.crash(dir, 22621, 8, 0x200000));
        dumps.add(FIXTURE);

        ProfileException e = assertThrows(ProfileException.class, () -> SiteProfiler.profile(dumps, SITE));

        assertTrue(e.getMessage().startsWith("the dumps come from 2 different machines, not one site's:"),
                e.getMessage());
        assertTrue(e.getMessage().contains("triage_x64.dmp (build 19041 x64, 16 processors)"), e.getMessage());
        assertTrue(e.getMessage().contains("build 22621 x64, 8 processors, 8192 MiB"), e.getMessage());
    }

    @Test
    void mixedDumpsGiveOneProfilePerMachine() throws Exception {
        assumeTrue(KernelModel.unavailableReason().isEmpty());
        List<Path> dumps = new ArrayList<>(ModelSite.crash(dir, 22621, 8, 0x200000));
        dumps.add(FIXTURE);

        SiteProfile p = SiteProfiler.profile(dumps, new SiteProfiler.Request("acme", "xidfilter.sys",
                new BigDecimal("385100"), true));

        assertEquals(List.of("acme-1", "acme-2"), p.machines().stream().map(MachineProfile::name).toList());
        assertEquals(List.of(Optional.of(19041), Optional.of(22621)), p.machines().stream()
                .map(m -> m.environment().build()).toList());
    }

    @Test
    void aFileThatIsNoDumpIsListedAndTheRestAreProfiled() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.dmp"), "not a dump");

        SiteProfile p = SiteProfiler.profile(List.of(FIXTURE, text), SITE);

        assertEquals(1, p.machines().size());
        assertEquals(text, p.unreadable().get(0).file());
    }

    @Test
    void noReadableDumpIsRefusedWithTheReason() throws Exception {
        Path text = Files.writeString(dir.resolve("notes.dmp"), "not a dump");

        ProfileException e = assertThrows(ProfileException.class, () -> SiteProfiler.profile(List.of(text), SITE));

        assertTrue(e.getMessage().startsWith("no readable crash dump among 1 file: "), e.getMessage());
    }
}
