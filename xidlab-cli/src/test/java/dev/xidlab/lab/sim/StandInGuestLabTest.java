package dev.xidlab.lab.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xidlab.cli.CliRun;
import dev.xidlab.cli.Labs;
import dev.xidlab.crash.CrashAnalysis;
import dev.xidlab.crash.CrashAnalyzer;
import dev.xidlab.device.Device;
import dev.xidlab.device.KernelModel;
import dev.xidlab.device.ModelOptions;
import dev.xidlab.dump.Bugcheck;
import dev.xidlab.lab.Lab;
import dev.xidlab.lab.LabName;
import dev.xidlab.lab.LabUnavailableException;
import dev.xidlab.lab.RunOutcome;
import dev.xidlab.protocol.ApplyMode;
import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.protocol.RegistrationFlag;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --lab standin}, what the stand-in guest runs: the kernel model as the driver, its dump written and
 * synced to the guest's dump directory, then the real kernel panicked. Here the "kernel" is a file and the
 * panic is recorded, and the refusals that keep it from ever panicking a machine that is not the stand-in are
 * checked on their own.
 */
class StandInGuestLabTest {

    @TempDir
    Path dir;

    private final List<Path> panics = new ArrayList<>();
    private StandInGuestLab.Places places;

    @BeforeEach
    void aStandInGuest() throws Exception {
        assumeTrue(KernelModel.unavailableReason().isEmpty(), () -> KernelModel.unavailableReason().orElse(""));
        places = new StandInGuestLab.Places(Files.writeString(dir.resolve("xidlab-standin"), "stand-in\n"),
                Files.writeString(dir.resolve("sys_vendor"), "QEMU\n"), Files.writeString(dir.resolve("sysrq"), ""),
                Files.createDirectories(dir.resolve("crash")), dir.resolve("service-key.bin"));
    }

    private StandInGuestLab lab(StandInGuestLab.Places where) {
        return new StandInGuestLab(where, panics::add);
    }

    @Test
    void theFieldConfigurationsBugcheckLeavesTheDumpInTheGuestsDumpDirectoryThenPanicsTheKernel() {
        try (StandInGuestLab lab = lab(places)) {
            lab.boot();
            lab.deployDriver().close();

            RunOutcome outcome = lab.stress(SimLab.defaultProfile(), 1, dir.resolve("unused"));

            RunOutcome.Bugchecked b = assertInstanceOf(RunOutcome.Bugchecked.class, outcome);
            assertEquals(0x1000007FL, b.code());
            assertTrue(b.dump().orElseThrow().startsWith(places.dumpDirectory()), b.dump().toString());
            assertTrue(Files.isReadable(b.dump().get()));
            assertEquals(List.of(places.sysrqTrigger()), panics);
        }
    }

    @Test
    void aModelThatHangsHoldsTheHangForTheHostWithTheDumpItsNmiLeavesAlreadyOnDisk() throws Exception {
        List<String> held = new ArrayList<>();
        try (StandInGuestLab lab = new StandInGuestLab(places, panics::add, held::add,
                ModelOptions.DEFAULTS.withSameThreadFault(ModelOptions.SameThreadFault.WAIT))) {
            lab.boot();
            lab.deployDriver().close();

            RunOutcome outcome = lab.stress(SimLab.defaultProfile(), 1, dir.resolve("unused"));

            assertInstanceOf(RunOutcome.Hung.class, outcome);
        }
        assertEquals(List.of(), panics, "a hung machine does not panic by itself: the host's NMI does it");
        assertEquals(1, held.size());
        assertTrue(held.get(0).startsWith("the kernel model hung: a thread waits for the in-page read it must itself"
                + " finish (same-thread-fault=wait)"), held.get(0));
        List<Path> dumps;
        try (var files = Files.list(places.dumpDirectory())) {
            dumps = files.toList();
        }
        assertEquals(1, dumps.size(), dumps.toString());
        assertTrue(held.get(0).contains("the dump the host's NMI leaves (bugcheck 0x80, the hung thread's stack) is "
                + dumps.get(0)), held.get(0));
        CrashAnalysis nmi = CrashAnalyzer.analyze(dumps.get(0), "xidfilter.sys");
        assertEquals(new Bugcheck(0x80, List.of(0x4F4454L, 0L, 0L, 0L)), nmi.bugcheck());
        assertTrue(nmi.stackSignature().stream().anyMatch(f -> f.startsWith("xidfilter.sys+")),
                nmi.stackSignature().toString());
    }

    @Test
    void theDriverLoadsWithTheConfigurationTheHostSavedSoAFixedDriverSurvivesWithoutAPanic() {
        try (Device saved = dev.xidlab.device.SimDevice.open(places.serviceKey())) {
            DriverConfig fix = DriverConfig.fieldDefault().withRegistrationForAll(java.util.Set.of(
                    RegistrationFlag.SKIP_PAGING_IO));
            saved.setConfig(fix, ApplyMode.NEXT_LOAD);
        }
        try (StandInGuestLab lab = lab(places)) {
            lab.boot();
            lab.deployDriver().close();

            RunOutcome outcome = lab.stress(SimLab.defaultProfile(), 1, dir.resolve("unused"));

            assertInstanceOf(RunOutcome.Survived.class, outcome);
            assertEquals(List.of(), panics);
        }
    }

    @Test
    void theModelsSwitchesTheHostPassesSetUpTheStandInsModel() {
        ModelOptions wait = ModelOptions.DEFAULTS.withSameThreadFault(ModelOptions.SameThreadFault.WAIT);

        try (Lab lab = Labs.open(LabName.STANDIN, false, wait)) {
            assertEquals(wait, assertInstanceOf(StandInGuestLab.class, lab).options());
        }
        CliRun r = CliRun.of("stress", "--lab", "standin", "--same-thread-fault", "wait");
        assertEquals(dev.xidlab.command.ExitCode.ENVIRONMENT, r.exitCode(), "not a usage error: the stand-in's lab runs the model; " + r.err());
        assertTrue(r.err().contains("the stand-in lab panics the kernel it runs on"), r.err());
    }

    @Test
    void aMachineWithoutTheStandInsIdentityFileIsNeverPanicked() throws Exception {
        Files.delete(places.identityFile());

        LabUnavailableException e = assertThrows(LabUnavailableException.class, () -> lab(places).checkAvailable());

        assertTrue(e.getMessage().startsWith("the stand-in lab panics the kernel it runs on, so it runs only inside"),
                e.getMessage());
    }

    @Test
    void aMachineThatIsNotAQemuVirtualMachineIsNeverPanicked() throws Exception {
        Files.writeString(places.dmiVendor(), "Dell Inc.\n");

        LabUnavailableException e = assertThrows(LabUnavailableException.class, () -> lab(places).checkAvailable());

        assertTrue(e.getMessage().contains("'Dell Inc.', not a QEMU/KVM virtual machine"), e.getMessage());
    }

    @Test
    void thisHostIsNotTheStandIn() {
        LabUnavailableException e = assertThrows(LabUnavailableException.class,
                () -> new StandInGuestLab().checkAvailable());

        assertTrue(e.getMessage().startsWith("the stand-in lab panics the kernel"), e.getMessage());
    }
}
