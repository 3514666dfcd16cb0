package dev.xidlab.lab.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.device.Device;
import dev.xidlab.lab.RunOutcome;
import dev.xidlab.load.MemoryPressure;
import dev.xidlab.load.StressProfile;
import dev.xidlab.protocol.ApplyMode;
import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.protocol.GuardFlag;
import dev.xidlab.protocol.RegistrationFlag;
import dev.xidlab.protocol.XidMode;
import dev.xidlab.testing.OnTheModel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The field crash and its fixes, reproduced in the driver's own code on the kernel model. */
class SimLabTest {

    static final long[] SEEDS = {1, 2, 3, 4, 5};

    @TempDir
    Path evidence;

    @RegisterExtension
    final OnTheModel<SimLab> lab = new OnTheModel<>(SimLab::new);

    RunOutcome run(DriverConfig config, StressProfile profile, long seed) {
        lab.get().boot();
        try (Device device = lab.get().deployDriver()) {
            device.setConfig(config, ApplyMode.NEXT_LOAD);
            device.reload();
        }
        return lab.get().stress(profile, seed, evidence);
    }

    @Test
    void theFieldConfigurationUnderPressureBugchecksWithADoubleFault() throws Exception {
        RunOutcome outcome = run(DriverConfig.fieldDefault(), SimLab.defaultProfile(), 1);

        RunOutcome.Bugchecked crash = assertInstanceOf(RunOutcome.Bugchecked.class, outcome);
        assertEquals(0x1000007FL, crash.code());
        assertEquals(8L, crash.parameters().get(0));
        assertTrue(crash.dump().isPresent() && Files.size(crash.dump().get()) > 0x2000, "a minidump was kept");
        assertTrue(crash.dump().get().startsWith(evidence), "the dump is in the evidence directory");
        assertTrue(crash.dump().get().getFileName().toString().matches("\\d{6}-\\d{5}-\\d{2}\\.dmp"),
                "named as Windows names minidumps: " + crash.dump().get().getFileName());
    }

    @Test
    void crashesSharingAnEvidenceDirectoryEachKeepTheirDump() throws Exception {
        for (long seed : SEEDS) {
            assertInstanceOf(RunOutcome.Bugchecked.class, run(DriverConfig.fieldDefault(), SimLab.defaultProfile(),
                    seed));
        }

        try (Stream<Path> dumps = Files.list(evidence)) {
            assertEquals(SEEDS.length, dumps.filter(p -> p.toString().endsWith(".dmp")).count(),
                    "no dump overwrote another");
        }
    }

    @Test
    void aDumpNamedOtherwiseKeepsItsNameAndTakesANumberWhenTheNameIsTaken() throws Exception {
        Path scratch = Files.createDirectories(evidence.resolve("scratch"));
        Path first = Files.writeString(scratch.resolve("MEMORY.DMP"), "first");
        assertEquals(evidence.resolve("MEMORY.DMP"), SimLab.keep(first, evidence));
        Path second = Files.writeString(scratch.resolve("MEMORY.DMP"), "second");

        assertEquals(evidence.resolve("MEMORY-2.DMP"), SimLab.keep(second, evidence));
        assertEquals("first", Files.readString(evidence.resolve("MEMORY.DMP")));
    }

    @Test
    void theTelemetryShowsTheNestingThatExhaustedTheStack() {
        RunOutcome.Bugchecked crash = assertInstanceOf(RunOutcome.Bugchecked.class,
                run(DriverConfig.fieldDefault(), SimLab.defaultProfile(), 1));

        var stats = crash.stats().orElseThrow();
        assertTrue(stats.maxNestingDepth() >= 8, "nesting depth " + stats.maxNestingDepth());
        assertTrue(stats.pagingIoCallbacks() > 0);
        assertTrue(stats.minRemainingStack() < 0x1000, "min remaining stack " + stats.minRemainingStack());
    }

    static Stream<DriverConfig> fixes() {
        DriverConfig field = DriverConfig.fieldDefault();
        return Stream.of(
                field.withRegistrationForAll(Set.of(RegistrationFlag.SKIP_PAGING_IO)),
                field.withXidMode(XidMode.REQUESTOR),
                field.withXidMode(XidMode.CACHED),
                field.withGuard(Set.of(GuardFlag.NESTING), 0),
                field.withGuard(Set.of(GuardFlag.LOW_STACK), 0x1000));
    }

    @ParameterizedTest
    @MethodSource("fixes")
    void everyFixSurvivesTheSeedsThatCrashTheFieldConfiguration(DriverConfig fix) {
        for (long seed : SEEDS) {
            assertInstanceOf(RunOutcome.Bugchecked.class, run(DriverConfig.fieldDefault(),
                    SimLab.defaultProfile(), seed), "the field configuration crashes with seed " + seed);
            RunOutcome outcome = run(fix, SimLab.defaultProfile(), seed);
            assertInstanceOf(RunOutcome.Survived.class, outcome, "seed " + seed + ": " + outcome);
        }
    }

    @ParameterizedTest
    @EnumSource(XidMode.class)
    void withoutMemoryPressureNoModeBugchecks(XidMode mode) {
        StressProfile calm = SimLab.defaultProfile().withPressure(MemoryPressure.NONE);

        for (long seed : SEEDS) {
            RunOutcome outcome = run(DriverConfig.fieldDefault().withXidMode(mode), calm, seed);
            RunOutcome.Survived survived = assertInstanceOf(RunOutcome.Survived.class, outcome);
            assertEquals(20_000, survived.operations());
        }
    }

    @Test
    void theSameSeedGivesTheSameRun() {
        RunOutcome.Bugchecked first = assertInstanceOf(RunOutcome.Bugchecked.class,
                run(DriverConfig.fieldDefault(), SimLab.defaultProfile().withPressure(MemoryPressure.LOW), 42));
        RunOutcome.Bugchecked second = assertInstanceOf(RunOutcome.Bugchecked.class,
                run(DriverConfig.fieldDefault(), SimLab.defaultProfile().withPressure(MemoryPressure.LOW), 42));

        assertEquals(first.operations(), second.operations());
        assertEquals(first.parameters(), second.parameters());
        assertEquals(first.stats().orElseThrow().callbacks(), second.stats().orElseThrow().callbacks());
    }

    @Test
    void theSelfTestTriggerShowsReentryWhateverTheXidMode() {
        RunOutcome outcome = run(DriverConfig.fieldDefault().withXidMode(XidMode.REQUESTOR).withSelfTest(true)
                .withGuard(Set.of(GuardFlag.LOW_STACK), 0x1000), SimLab.defaultProfile(), 1);

        RunOutcome.Survived survived = assertInstanceOf(RunOutcome.Survived.class, outcome);
        assertTrue(survived.stats().orElseThrow().maxNestingDepth() > 1, "re-entry seen: " + survived.stats());
        assertTrue(survived.stats().orElseThrow().selfTestTouches() > 0);
    }

    @Test
    void configurationChangesWhileABatchRunsApplyAtOnce() throws Exception {
        SimLab machine = lab.get();
        machine.boot();
        Device device = machine.deployDriver();
        AtomicReference<RunOutcome> outcome = new AtomicReference<>();
        Thread load = new Thread(() -> outcome.set(machine.stress(SimLab.defaultProfile().withPressure(MemoryPressure.NONE)
                .withBudget(dev.xidlab.load.Budget.ofOperations(2_000_000)), 7, evidence)));
        load.start();
        XidMode[] modes = {XidMode.CACHED, XidMode.REQUESTOR, XidMode.OFF, XidMode.LOOKUP};
        for (int i = 0; i < 200; i++) {
            device.setConfig(DriverConfig.fieldDefault().withXidMode(modes[i % modes.length]), ApplyMode.NEXT_LOAD);
        }
        long seenWhileRunning = device.stats().callbacks();
        load.join();

        assertInstanceOf(RunOutcome.Survived.class, outcome.get());
        assertEquals(XidMode.LOOKUP, device.config().xidMode());
        assertTrue(seenWhileRunning > 0 || ((RunOutcome.Survived) outcome.get()).operations() == 2_000_000);
        device.close();
    }

    @Test
    void aCrashedMachineTakesNoMoreWorkUntilItBoots() {
        run(DriverConfig.fieldDefault(), SimLab.defaultProfile(), 1);

        RunOutcome again = lab.get().stress(SimLab.defaultProfile(), 2, evidence);

        RunOutcome.LabFailure refused = assertInstanceOf(RunOutcome.LabFailure.class, again);
        assertTrue(refused.reason().contains("bugchecked"), refused.reason());
    }
}
