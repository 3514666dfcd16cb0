package dev.xidlab.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.device.KernelModel;
import dev.xidlab.load.Budget;
import dev.xidlab.load.MemoryPressure;
import dev.xidlab.load.OperationMix;
import dev.xidlab.load.StressProfile;
import dev.xidlab.protocol.ApplyMode;
import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.protocol.DriverStats;
import dev.xidlab.protocol.XidMode;
import dev.xidlab.testing.ModelMachine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the driver's telemetry says re-entered, in the kernel model: the field pattern re-enters through page-ins
 * from the paging file (the CID table is paged pool), the self-test through page-ins of the driver's own image,
 * one page per depth, until the stack is gone: a crash, never a wait on its own in-page read.
 */
class ReentryTelemetryTest {

    static final StressProfile READS_UNDER_PRESSURE = new StressProfile(4, 64, new OperationMix(0, 100, 0),
            MemoryPressure.HIGH, Budget.ofOperations(20_000));

    @RegisterExtension
    final ModelMachine machine = ModelMachine.withTheDriverLoaded();

    @Test
    void theFieldPatternReEntersThroughPageInsFromThePagingFile() {
        KernelModel.BatchResult crash = machine.model().runBatch(READS_UNDER_PRESSURE, 20_000, 7);
        DriverStats stats = machine.model().readStats();

        assertTrue(crash.bugchecked(), "the field configuration crashes under pressure");
        assertTrue(stats.nestedPagingFileIo() > 0, stats.toString());
        assertEquals(0, stats.nestedImageIo(), stats.toString());
    }

    @Test
    void theSelfTestReEntersThroughItsOwnImageOnePagePerDepthAndCrashes() {
        machine.device().setConfig(DriverConfig.fieldDefault().withXidMode(XidMode.OFF).withSelfTest(true),
                ApplyMode.NEXT_LOAD);
        machine.model().applyMemoryPressure(100, 1);

        KernelModel.BatchResult crash = machine.model().runBatch(READS_UNDER_PRESSURE, 20_000, 7);
        DriverStats stats = machine.model().readStats();

        assertTrue(crash.bugchecked(), "stack exhaustion, not a hang");
        assertEquals(0x1000007FL, crash.bugCheckCode());
        assertEquals(8L, crash.parameters().get(0));
        assertTrue(stats.nestedImageIo() > 0, stats.toString());
        assertEquals(0, stats.nestedPagingFileIo(), "mode off: no CID walk, so no paging-file page-in nests");
        assertEquals(stats.maxNestingDepth() - 1, stats.nestedImageIo(), "one image page-in per nested level");
        assertEquals(0, stats.selfTestDepthLimited(), "the 0x6000-byte stack ends it before the 32-page limit");
    }
}
