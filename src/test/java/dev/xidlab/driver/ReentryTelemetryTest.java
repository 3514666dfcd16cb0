package dev.xidlab.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.device.IoctlDevice;
import dev.xidlab.device.KernelModel;
import dev.xidlab.load.Budget;
import dev.xidlab.load.MemoryPressure;
import dev.xidlab.load.OperationMix;
import dev.xidlab.load.StressProfile;
import dev.xidlab.protocol.ApplyMode;
import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.protocol.DriverStats;
import dev.xidlab.protocol.XidMode;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the driver's telemetry says re-entered, in the kernel model: the field pattern re-enters through page-ins
 * from the paging file (the CID table is paged pool), the self-test through page-ins of the driver's own image,
 * one page per depth, until the stack is gone: a crash, never a wait on its own in-page read.
 */
class ReentryTelemetryTest {

    static final StressProfile READS_UNDER_PRESSURE = new StressProfile(4, 64, new OperationMix(0, 100, 0),
            MemoryPressure.HIGH, Budget.ofOperations(20_000));

    @TempDir
    Path dumps;

    LoadedModel machine;
    KernelModel model;
    IoctlDevice device;

    @BeforeEach
    void bootWithTheDriverLoaded() {
        machine = LoadedModel.boot(dumps);
        model = machine.model();
        device = machine.device();
    }

    @AfterEach
    void close() {
        if (machine != null) {
            machine.close();
        }
    }

    @Test
    void theFieldPatternReEntersThroughPageInsFromThePagingFile() {
        KernelModel.BatchResult crash = model.runBatch(READS_UNDER_PRESSURE, 20_000, 7);
        DriverStats stats = model.readStats();

        assertTrue(crash.bugchecked(), "the field configuration crashes under pressure");
        assertTrue(stats.nestedPagingFileIo() > 0, stats.toString());
        assertEquals(0, stats.nestedImageIo(), stats.toString());
    }

    @Test
    void theSelfTestReEntersThroughItsOwnImageOnePagePerDepthAndCrashes() {
        device.setConfig(DriverConfig.fieldDefault().withXidMode(XidMode.OFF).withSelfTest(true),
                ApplyMode.NEXT_LOAD);
        model.applyMemoryPressure(100, 1);

        KernelModel.BatchResult crash = model.runBatch(READS_UNDER_PRESSURE, 20_000, 7);
        DriverStats stats = model.readStats();

        assertTrue(crash.bugchecked(), "stack exhaustion, not a hang");
        assertEquals(0x1000007FL, crash.bugCheckCode());
        assertEquals(8L, crash.parameters().get(0));
        assertTrue(stats.nestedImageIo() > 0, stats.toString());
        assertEquals(0, stats.nestedPagingFileIo(), "mode off: no CID walk, so no paging-file page-in nests");
        assertEquals(stats.maxNestingDepth() - 1, stats.nestedImageIo(), "one image page-in per nested level");
        assertEquals(0, stats.selfTestDepthLimited(), "the 0x6000-byte stack ends it before the 32-page limit");
    }
}
