package dev.xidlab.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.crash.CrashAnalysis;
import dev.xidlab.crash.CrashAnalyzer;
import dev.xidlab.dump.CrashDump;
import dev.xidlab.dump.DumpReader;
import dev.xidlab.dump.LoadedModule;
import dev.xidlab.load.Budget;
import dev.xidlab.load.MemoryPressure;
import dev.xidlab.load.OperationMix;
import dev.xidlab.load.StressProfile;
import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.protocol.GuardFlag;
import dev.xidlab.protocol.RegistrationFlag;
import dev.xidlab.testing.ModelMachine;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The kernel model standing for a customer's site: filters beside xidfilter on its stack at their altitudes, and the
 * site's build, processors and memory in its dumps.
 */
class KernelModelEnvironmentTest {

    static final StressProfile PURGING = new StressProfile(4, 32, OperationMix.typical(), MemoryPressure.HIGH,
            Budget.ofOperations(20_000));
    /** A guard threshold that fits one level of re-entry on the model alone (a level costs 0x860 bytes). */
    static final int GUARD_STACK = 0x900;

    @RegisterExtension
    final ModelMachine machine = ModelMachine.unbooted();

    static ModelEnvironment beside(ModelEnvironment.ResidentFilter... filters) {
        ModelEnvironment d = ModelEnvironment.DEFAULT;
        return new ModelEnvironment(19041, 16, 0x400000, d.filterAltitudeThousandths(), List.of(filters));
    }

    static ModelEnvironment.ResidentFilter minifilter(String module, long altitude, int frameBytes) {
        return new ModelEnvironment.ResidentFilter(module, altitude * 1000, frameBytes, false, false);
    }

    private KernelModel.BatchResult run(ModelEnvironment environment, DriverConfig config) {
        machine.bootWithTheDriver(ModelOptions.DEFAULTS.withDump(ModelOptions.Dump.KERNEL).withEnvironment(environment),
                config);
        return machine.model().runBatch(PURGING, PURGING.budget().operations(), 1);
    }

    @Test
    void aFilterAboveOursSpendsItsCallbackAtEveryLevelSoTheStackRunsOutALevelSooner() {
        KernelModel.BatchResult alone = run(ModelEnvironment.DEFAULT, DriverConfig.fieldDefault());
        KernelModel.BatchResult beside = run(beside(minifilter("mssecflt.sys", 385600, 0x800)),
                DriverConfig.fieldDefault());

        assertEquals(11, alone.crashDepth());
        assertEquals(10, beside.crashDepth());
    }

    @Test
    void aFilterBelowOursNeverRunsWhileOurCallbackRecursesSoTheCrashIsTheSame() {
        KernelModel.BatchResult alone = run(ModelEnvironment.DEFAULT, DriverConfig.fieldDefault());
        KernelModel.BatchResult beside = run(beside(minifilter("WdFilter.sys", 328010, 0x4000)),
                DriverConfig.fieldDefault());

        assertEquals(alone.crashDepth(), beside.crashDepth());
        assertEquals(alone.parameters(), beside.parameters());
    }

    @Test
    void aFilterRegisteredToSkipPagingIoIsPassedByOnThePagingPath() {
        KernelModel.BatchResult beside = run(beside(new ModelEnvironment.ResidentFilter("bindflt.sys", 409_800_000L,
                0x4000, true, false)), DriverConfig.fieldDefault());

        assertEquals(11, beside.crashDepth());
    }

    @Test
    void aLegacyFilterKeepsItsDispatchFrameOnTheStackForTheWholeWayDown() {
        KernelModel.BatchResult beside = run(beside(new ModelEnvironment.ResidentFilter("oldav.sys", 329_999_000L,
                0x300, false, true)), DriverConfig.fieldDefault());

        assertTrue(beside.crashDepth() < 10, "depth " + beside.crashDepth());
    }

    @Test
    void theLowStackGuardThatHoldsAloneFailsBesideAFilterAboveOurs() {
        DriverConfig guard = DriverConfig.fieldDefault().withGuard(Set.of(GuardFlag.LOW_STACK), GUARD_STACK);

        KernelModel.BatchResult alone = run(ModelEnvironment.DEFAULT, guard);
        KernelModel.BatchResult beside = run(beside(minifilter("mssecflt.sys", 385600, 0x800)), guard);

        assertFalse(alone.bugchecked());
        assertTrue(beside.bugchecked());
        assertEquals(0x1000007FL, beside.bugCheckCode());
    }

    @Test
    void skipPagingIoHoldsBesideTheSameFilter() {
        DriverConfig fix = DriverConfig.fieldDefault().withRegistrationForAll(Set.of(RegistrationFlag.SKIP_PAGING_IO));

        assertFalse(run(beside(minifilter("mssecflt.sys", 385600, 0x800)), fix).bugchecked());
    }

    @Test
    void theDoubleFaultBesideAFilterAboveFaultsInThatFiltersFrameAndIsStillOurRecursion() throws Exception {
        KernelModel.BatchResult r = run(beside(minifilter("mssecflt.sys", 385600, 0x800)),
                DriverConfig.fieldDefault().withGuard(Set.of(GuardFlag.LOW_STACK), GUARD_STACK));

        CrashAnalysis a = CrashAnalyzer.analyze(r.kernelDump().orElseThrow(), "xidfilter.sys");
        LoadedModule faulting = a.modules().stream().filter(m -> m.contains(r.parameters().get(3))).findFirst()
                .orElseThrow();
        assertEquals("mssecflt.sys", faulting.name());
        assertTrue(a.reentry());
        assertEquals(Optional.of("xidfilter.sys"), a.crashModule());
    }

    @Test
    void bothDumpsRecordTheSitesBuildProcessorsAndFiltersAndTheKernelDumpItsMemory() throws Exception {
        ModelEnvironment site = new ModelEnvironment(22621, 8, 0x200000, 385_100_000L,
                List.of(minifilter("mssecflt.sys", 385600, 0x800), minifilter("WdFilter.sys", 328010, 0x800)));
        KernelModel.BatchResult r = run(site, DriverConfig.fieldDefault());

        CrashDump mini = DumpReader.read(r.dump().orElseThrow());
        CrashDump kernel = DumpReader.read(r.kernelDump().orElseThrow());
        for (CrashDump d : List.of(mini, kernel)) {
            assertEquals(22621, d.header().build());
            assertEquals(8, d.header().processors());
            List<String> modules = CrashAnalyzer.analyze(d, "xidfilter.sys").modules().stream()
                    .map(LoadedModule::name).toList();
            assertTrue(modules.containsAll(List.of("mssecflt.sys", "WdFilter.sys", "xidfilter.sys")), "" + modules);
        }
        assertEquals(Optional.empty(), mini.header().physicalPages());
        assertEquals(Optional.of(0x200000L), kernel.header().physicalPages());
    }

    @Test
    void twoInstancesAtOneAltitudeAreRefusedAsTheFilterManagerRefusesThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> beside(minifilter("a.sys", 385600, 0x100), minifilter("b.sys", 385600, 0x100)));
        assertTrue(e.getMessage().contains("b.sys at 385600"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> beside(minifilter("ours-too.sys", 385100, 0x100)));
    }

    @Test
    void aFrameThatIsNoX64FrameIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> minifilter("odd.sys", 385600, 0x108));
        assertTrue(e.getMessage().contains("multiples of 16"), e.getMessage());
    }
}
