package dev.xidlab.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.load.Budget;
import dev.xidlab.load.MemoryPressure;
import dev.xidlab.load.OperationMix;
import dev.xidlab.load.StressProfile;
import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.protocol.DriverStats;
import dev.xidlab.protocol.RegistrationFlag;
import dev.xidlab.protocol.XidMode;
import dev.xidlab.testing.ModelMachine;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The kernel model's memory manager: what each kind of fault does, and the switches that change it. */
class KernelModelMemoryTest {

    static final StressProfile PURGING = new StressProfile(4, 32, OperationMix.typical(), MemoryPressure.HIGH,
            Budget.ofOperations(20_000));
    static final StressProfile AGING = new StressProfile(4, 64, OperationMix.typical(), MemoryPressure.AGING_HIGH,
            Budget.ofOperations(20_000));

    @RegisterExtension
    final ModelMachine machine = ModelMachine.unbooted();

    private KernelModel.BatchResult run(ModelOptions options, DriverConfig config, StressProfile profile, long seed) {
        machine.bootWithTheDriver(options, config).resetStats();
        return machine.model().runBatch(profile, profile.budget().operations(), seed);
    }

    @Test
    void underAgingPressureTrimmedPagesComeBackAsSoftFaultsBeforeAnyReachesThePagefile() {
        KernelModel.BatchResult r = run(ModelOptions.DEFAULTS, DriverConfig.fieldDefault().withXidMode(XidMode.CACHED),
                AGING, 1);

        assertFalse(r.bugchecked());
        assertTrue(r.faults().soft() > 0, "soft faults: " + r.faults());
        assertTrue(r.faults().hard() > 0, "hard faults: " + r.faults());
    }

    @Test
    void emptyingTheListsEveryCycleLeavesOnlyHardFaults() {
        KernelModel.BatchResult r = run(ModelOptions.DEFAULTS, DriverConfig.fieldDefault().withXidMode(XidMode.CACHED),
                PURGING, 1);

        assertEquals(0, r.faults().soft(), "" + r.faults());
        assertTrue(r.faults().hard() > 1000, "" + r.faults());
    }

    @Test
    void aFaultOnAPageAnotherThreadIsReadingWaitsForThatReadAndIssuesNone() {
        KernelModel.BatchResult r = run(ModelOptions.DEFAULTS, DriverConfig.fieldDefault().withXidMode(XidMode.CACHED),
                PURGING, 1);

        assertTrue(r.faults().collided() > 0, "" + r.faults());
        assertEquals(0, r.faults().sameThread(), "no same-thread case without a lookup in the callback");
    }

    @Test
    void theFieldCrashIsTheSameThreadCaseReadAgainUntilTheStackRunsOut() {
        KernelModel.BatchResult r = run(ModelOptions.DEFAULTS, DriverConfig.fieldDefault(), PURGING, 1);

        assertTrue(r.bugchecked());
        assertTrue(r.faults().sameThread() >= 8, "the nested lookups met their own read: " + r.faults());
        assertEquals(11, r.crashDepth());
    }

    @Test
    void waitingForItsOwnReadHangsTheMachineInsteadOfCrashingIt() {
        KernelModel.BatchResult r = run(ModelOptions.DEFAULTS.withSameThreadFault(ModelOptions.SameThreadFault.WAIT),
                DriverConfig.fieldDefault(), PURGING, 1);

        assertTrue(r.hung());
        assertFalse(r.bugchecked());
        assertEquals(2, r.crashDepth(), "the first nested lookup waits: nesting depth 2");
        assertTrue(r.dump().isEmpty(), "a hung machine writes no dump");
    }

    @Test
    void throughTheStoreManagerCidPagesComeBackWithoutTheFileSystemStack() {
        KernelModel.BatchResult r = run(ModelOptions.DEFAULTS.withPagingPath(ModelOptions.PagingPath.STORE),
                DriverConfig.fieldDefault(), PURGING, 1);

        assertFalse(r.bugchecked(), "the lookup's faults do not re-enter");
        assertEquals(20_000, r.operations());
        assertTrue(r.faults().storeReads() > 1000, "" + r.faults());
    }

    @Test
    void throughTheStoreManagerTheSelfTestStillReentersThroughTheDriversImage() {
        KernelModel.BatchResult r = run(ModelOptions.DEFAULTS.withPagingPath(ModelOptions.PagingPath.STORE),
                DriverConfig.fieldDefault().withSelfTest(true), PURGING, 1);

        assertTrue(r.bugchecked(), "image pages are read from the driver's file, through the filters");
        assertEquals(0x1000007FL, r.bugCheckCode());
    }

    @Test
    void skipNonCachedNonPagingIoDropsTheApplicationsNonCachedIoButStillSeesPagingIo() {
        DriverConfig skip = DriverConfig.fieldDefault().withXidMode(XidMode.CACHED)
                .withRegistrationForAll(Set.of(RegistrationFlag.SKIP_NON_CACHED_NON_PAGING_IO));
        run(ModelOptions.DEFAULTS, DriverConfig.fieldDefault().withXidMode(XidMode.CACHED), PURGING, 3);
        DriverStats all = machine.model().readStats();
        run(ModelOptions.DEFAULTS, skip, PURGING, 3);
        DriverStats skipped = machine.model().readStats();

        assertEquals(all.pagingIoCallbacks(), skipped.pagingIoCallbacks());
        assertTrue(skipped.callbacks() < all.callbacks(), all.callbacks() + " then " + skipped.callbacks());
    }

    @Test
    void skipNonCachedNonPagingIoIsNoFixForTheReentryCrash() {
        KernelModel.BatchResult r = run(ModelOptions.DEFAULTS, DriverConfig.fieldDefault()
                .withRegistrationForAll(Set.of(RegistrationFlag.SKIP_NON_CACHED_NON_PAGING_IO)), PURGING, 1);

        assertTrue(r.bugchecked(), "the paging reads of CID pages still reach the callback");
    }

    @Test
    void whenAPagingReadNamesAnyProcessEachLevelTouchesItsOwnCidPageAndRunsSurviveNesting() {
        ModelOptions any = ModelOptions.DEFAULTS.withPagingRequestor(ModelOptions.PagingRequestor.ANY_PROCESS);
        StressProfile crowded = new StressProfile(4, 128, OperationMix.typical(), MemoryPressure.AGING_HIGH,
                Budget.ofOperations(20_000));
        int deepest = 0;
        for (long seed = 1; seed <= 20 && deepest < 3; seed++) {
            KernelModel.BatchResult r = run(any, DriverConfig.fieldDefault(), crowded, seed);
            if (!r.bugchecked()) {
                deepest = Math.max(deepest, machine.model().readStats().maxNestingDepth());
            }
        }

        assertTrue(deepest >= 3, "a run survived nesting " + deepest);
    }

    @Test
    void whenAPagingReadNamesTheFaultingThreadsProcessNoRunSurvivesANestedLookupsFault() {
        for (long seed = 1; seed <= 5; seed++) {
            KernelModel.BatchResult r = run(ModelOptions.DEFAULTS, DriverConfig.fieldDefault(), AGING, seed);

            assertTrue(r.bugchecked() || machine.model().readStats().maxNestingDepth() == 1,
                    "seed " + seed + ": the nested lookup asks for the same process, whose page is being read");
        }
    }
}
