package dev.xidlab.lab.vm;

import static dev.xidlab.lab.vm.ScriptedStandInVm.ok;
import static dev.xidlab.lab.vm.ScriptedStandInVm.timedOut;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xidlab.cli.CliRun;
import dev.xidlab.device.KernelModel;
import dev.xidlab.device.ModelOptions;
import dev.xidlab.lab.RunOutcome;
import dev.xidlab.lab.sim.SimLab;
import dev.xidlab.lab.sim.StandInGuestLab;
import dev.xidlab.load.Budget;
import dev.xidlab.load.MemoryPressure;
import dev.xidlab.load.OperationMix;
import dev.xidlab.load.StressProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A run on the VM lab that does not end by itself, from the load's start to its outcome, against a scripted
 * stand-in VM (no VM may run here; the real one runs in StandInHangIT). A status query that times out is no answer
 * yet, never a lab error; past the load's bound, or when the guest goes silent without a reboot, the run is a hang,
 * and the lab sends the guest an NMI and follows the crash path: the reboot, the evidence, the dump. The dump the
 * guest lists after its reboot is the one the stand-in's kernel model writes when it hangs.
 */
class VagrantLabHangTest {

    private static final StressProfile LOAD = new StressProfile(4, 32, OperationMix.typical(), MemoryPressure.HIGH,
            Budget.ofOperations(20_000));
    private static final String RUNNING = "RUNNING\n";

    @TempDir
    Path dir;

    private ScriptedStandInVm vm;

    @BeforeEach
    void aStandInVm() throws Exception {
        vm = new ScriptedStandInVm(Files.createDirectories(dir.resolve("checkout")));
    }

    /** The guest-side stand-in's hang, as its model leaves it: the dump of the NMI and what the load said. */
    private record ModelHang(Path dump, Path log) {
    }

    private ModelHang aModelHang() throws Exception {
        assumeTrue(KernelModel.unavailableReason().isEmpty(), () -> KernelModel.unavailableReason().orElse(""));
        Path guest = Files.createDirectories(dir.resolve("guest"));
        StandInGuestLab.Places places = new StandInGuestLab.Places(Files.writeString(guest.resolve("id"), "x\n"),
                Files.writeString(guest.resolve("vendor"), "QEMU\n"), Files.writeString(guest.resolve("sysrq"), ""),
                Files.createDirectories(guest.resolve("crash")), guest.resolve("key"));
        List<String> said = new ArrayList<>();
        try (StandInGuestLab lab = new StandInGuestLab(places, p -> { }, said::add,
                ModelOptions.DEFAULTS.withSameThreadFault(ModelOptions.SameThreadFault.WAIT))) {
            lab.boot();
            lab.deployDriver().close();
            assertInstanceOf(RunOutcome.Hung.class, lab.stress(SimLab.defaultProfile(), 1, guest));
        }
        try (var dumps = Files.list(places.dumpDirectory())) {
            return new ModelHang(dumps.findFirst().orElseThrow(), Files.writeString(guest.resolve("run.log"),
                    "xidlab stand-in: " + String.join("\n", said) + "\n"));
        }
    }

    @Test
    void aStatusQueryThatTimesOutIsNoAnswerYetAndTheLoadsResultStillEndsTheRun() {
        CliRun load = CliRun.of("stress", "--lab", "sim", "--json", "--pressure", "none", "--operations", "200");
        assertEquals(0, load.exitCode(), load.err());
        vm.loadAnswers(timedOut(), timedOut(), ok("RESULT\n" + load.out()));
        VagrantLab lab = vm.bootedLab(vm.setup());

        RunOutcome outcome = lab.stress(LOAD, 1, dir.resolve("evidence"));

        RunOutcome.Survived survived = assertInstanceOf(RunOutcome.Survived.class, outcome);
        assertEquals(200, survived.operations());
    }

    @Test
    void aStatusQueryThatKeepsTimingOutIsAHangPastTheLoadsBoundNeverALabError() {
        vm.loadAnswers(timedOut());
        VagrantLab lab = vm.bootedLab(vm.setup());

        RunOutcome outcome = lab.stress(LOAD, 1, dir.resolve("evidence"));

        RunOutcome.Hung hung = assertInstanceOf(RunOutcome.Hung.class, outcome);
        assertTrue(hung.reason().startsWith("the load did not finish within its bound of 300 s, and the guest did"
                + " not answer the query of its state within 120 s; an NMI was sent: "), hung.reason());
    }

    @Test
    void aLoadPastItsBoundIsSentAnNmiAndTheHangKeepsTheDumpItsRebootLeft() throws Exception {
        ModelHang model = aModelHang();
        vm.loadAnswers(ok(RUNNING)).loadLog(model.log()).dumpAfterReboot(model.dump().getFileName().toString(),
                model.dump());
        VagrantLab lab = vm.bootedLab(vm.setup());
        Path evidence = dir.resolve("evidence");

        RunOutcome outcome = lab.stress(LOAD, 1, evidence);

        RunOutcome.Hung hung = assertInstanceOf(RunOutcome.Hung.class, outcome);
        String dumpName = model.dump().getFileName().toString();
        assertTrue(hung.reason().matches("the load did not finish within its bound of 300 s while the guest still"
                + " answered; an NMI was sent: the hypervisor's panic device fired, and the guest answered rebooted"
                + " \\d+ s after the NMI; it bugchecked 0x00000080 NMI_HARDWARE_FAILURE \\(0x4f4454, 0x0, 0x0, 0x0\\)"
                + " and left its dump " + dumpName.replace(".", "\\.")), hung.reason());
        assertEquals(evidence.resolve(dumpName), hung.dump().orElseThrow());
        assertArrayEquals(Files.readAllBytes(model.dump()), Files.readAllBytes(hung.dump().get()));
        assertTrue(hung.evidence().containsAll(List.of(evidence.resolve(dumpName), evidence.resolve("lab-trace.log"),
                evidence.resolve("console.log"), evidence.resolve("guest-log.txt"))), hung.evidence().toString());
        Path loadLog = hung.evidence().stream().filter(f -> f.getFileName().toString().matches("run-\\p{XDigit}+\\.log"))
                .findFirst().orElseThrow(() -> new AssertionError("the load's log, kept before the NMI: "
                        + hung.evidence()));
        assertTrue(Files.readString(loadLog).contains("the kernel model hung"), Files.readString(loadLog));
    }

    @Test
    void theNmiGoesToTheDomainAndTheGuestStoppedAtItsPanicIsResumedNotDestroyed() throws Exception {
        ModelHang model = aModelHang();
        vm.loadAnswers(ok(RUNNING)).dumpAfterReboot(model.dump().getFileName().toString(), model.dump());
        VagrantLab lab = vm.bootedLab(vm.setup());
        vm.virsh.clear();

        lab.stress(LOAD, 1, dir.resolve("evidence"));

        List<String> actions = vm.virsh.stream().filter(c -> !c.get(0).equals("domstate")).map(c -> String.join(" ", c))
                .toList();
        assertEquals(List.of("inject-nmi " + ScriptedStandInVm.DOMAIN, "resume " + ScriptedStandInVm.DOMAIN), actions);
    }

    /**
     * Runs the load into a hang on a guest whose NMI brings no reboot ({@code nmi}); the run must still be a hang,
     * and the guest reset (its domain destroyed).
     */
    private RunOutcome.Hung aHangWhoseNmiBringsNoReboot(ScriptedStandInVm.Nmi nmi) {
        vm.loadAnswers(ok(RUNNING));
        vm.nmi = nmi;
        VagrantLab lab = vm.bootedLab(vm.setup());

        RunOutcome outcome = lab.stress(LOAD, 1, dir.resolve("evidence"));

        RunOutcome.Hung hung = assertInstanceOf(RunOutcome.Hung.class, outcome);
        assertTrue(vm.virsh.stream().anyMatch(c -> c.equals(List.of("destroy", ScriptedStandInVm.DOMAIN))),
                vm.virsh.toString());
        return hung;
    }

    @Test
    void aGuestThatDoesNotRebootAfterTheNmiIsResetAndTheRunIsStillAHang() {
        RunOutcome.Hung hung = aHangWhoseNmiBringsNoReboot(ScriptedStandInVm.Nmi.IGNORED);

        assertEquals("the load did not finish within its bound of 300 s while the guest still answered; an NMI was"
                + " sent, but the guest kept answering without a reboot within 5 min of it (libvirt: running"
                + " (booted)): the guest was reset", hung.reason());
        assertTrue(hung.dump().isEmpty());
    }

    @Test
    void anNmiLibvirtCannotSendLeavesAResetGuestAndStillAHang() {
        RunOutcome.Hung hung = aHangWhoseNmiBringsNoReboot(ScriptedStandInVm.Nmi.REFUSED);

        assertEquals("the load did not finish within its bound of 300 s while the guest still answered; the NMI could"
                + " not be sent (sending an NMI to " + ScriptedStandInVm.DOMAIN + " failed: error: Requested operation"
                + " is not valid: NMI is not supported): the guest was reset", hung.reason());
    }

    @Test
    void aGuestThatStopsAnsweringWithoutARebootIsSentAnNmiToo() throws Exception {
        ModelHang model = aModelHang();
        vm.loadAnswers(ok(RUNNING)).dumpAfterReboot(model.dump().getFileName().toString(), model.dump());
        vm.silentOnceLoaded = true;
        VagrantLab lab = vm.bootedLab(vm.setup());

        RunOutcome outcome = lab.stress(LOAD, 1, dir.resolve("evidence"));

        RunOutcome.Hung hung = assertInstanceOf(RunOutcome.Hung.class, outcome, outcome::toString);
        assertTrue(hung.reason().startsWith("the guest stopped answering and did not reboot within 5 min (the SSH"
                + " session died: keepalives unanswered); an NMI was sent: the hypervisor's panic device fired"),
                hung.reason());
        assertTrue(hung.dump().isPresent(), hung.reason());
    }

    @Test
    void aSessionThatDiesBeforeAnyPollSeesTheCrashedDomainStillHasItResumedAndSeenAsThePanic() {
        vm.loadAnswers(ok(RUNNING));
        vm.crashesUnseenOnceLoaded = true;
        VagrantLab lab = vm.bootedLab(vm.setup());
        vm.virsh.clear();

        lab.stress(LOAD, 1, dir.resolve("evidence"));

        assertTrue(vm.virsh.contains(List.of("resume", ScriptedStandInVm.DOMAIN)), vm.virsh.toString());
        assertEquals(List.of(VagrantLab.Signal.PANIC_DEVICE),
                lab.crashSightings().stream().map(VagrantLab.CrashSighting::signal).toList());
    }

    @Test
    void aPlansModelBlockReachesTheStandInsLoadAndEveryReportSaysItsHangIsTheModels() {
        vm.loadAnswers(timedOut());
        VagrantLab lab = vm.bootedLab(vm.setup().withStandInModel(
                ModelOptions.DEFAULTS.withSameThreadFault(ModelOptions.SameThreadFault.WAIT)));

        lab.stress(LOAD, 1, dir.resolve("evidence"));

        assertEquals(1, vm.loadsStarted.size());
        assertTrue(vm.loadsStarted.get(0).contains(" stress --lab standin --as-configured --json --workers 4"
                + " --processes 32 --mix 20/60/20 --pressure high --seed 1 --operations 20000 --same-thread-fault wait"
                + " --result "), vm.loadsStarted.get(0));
        assertEquals(StandInGuest.NOTICE + "; the stand-in's kernel model runs with --same-thread-fault wait: a hang"
                + " on it is the stand-in's modelled hang (the model's deadlock, held by the guest's load), not a"
                + " Windows kernel's", lab.notice().orElseThrow());
    }
}
