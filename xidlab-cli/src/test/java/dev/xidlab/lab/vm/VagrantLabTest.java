package dev.xidlab.lab.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.lab.LabUnavailableException;
import dev.xidlab.lab.RunOutcome;
import dev.xidlab.lab.runner.CommandResult;
import dev.xidlab.load.Budget;
import dev.xidlab.load.MemoryPressure;
import dev.xidlab.load.OperationMix;
import dev.xidlab.load.StressProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VM lab's decisions that need no VM: which guest a box is, that the stand-in is never used by accident, and
 * what the guest's load is asked to do. The flow itself runs on a real VM in StandInLabIT.
 */
class VagrantLabTest {

    @TempDir
    Path dir;

    private VagrantLab.Setup setup(String box, boolean allowStandIn) throws Exception {
        Files.createDirectories(dir.resolve("vagrant/standin"));
        Files.writeString(dir.resolve("vagrant/Vagrantfile"), "# windows\n");
        Files.writeString(dir.resolve("vagrant/standin/Vagrantfile"), "# stand-in\n");
        return new VagrantLab.Setup(dir, box, allowStandIn, Duration.ofMinutes(1), Duration.ofMinutes(1),
                Duration.ofMinutes(1), Optional.empty(), Map.of());
    }

    /** Records what it is asked; the stand-in's refusal must come before any of it. */
    private final List<List<String>> asked = new ArrayList<>();

    /** The environment each of them was made with. */
    private final List<Map<String, String>> vagrantEnvironments = new ArrayList<>();

    private VagrantLab lab(VagrantLab.Setup setup) {
        return lab(setup, new CommandResult(1, "", "not expected", false));
    }

    private VagrantLab lab(VagrantLab.Setup setup, CommandResult vagrantSays) {
        return new VagrantLab(setup, (command, directory, environment, timeout) -> {
            asked.add(command);
            vagrantEnvironments.add(environment);
            return vagrantSays;
        }, new Libvirt((command, directory, environment, timeout) -> new CommandResult(1, "", "no", false),
                "qemu:///system", dir), () -> new Acceleration(Acceleration.Kind.TCG, "test"));
    }

    @Test
    void theStandInBoxIsRefusedUnlessAskedForBeforeAnythingRuns() throws Exception {
        LabUnavailableException e = assertThrows(LabUnavailableException.class,
                () -> lab(setup(StandInGuest.BOX, false)).checkAvailable());

        assertTrue(e.getMessage().contains("pass --allow-stand-in"), e.getMessage());
        assertEquals(List.of(), asked);
    }

    @Test
    void theStandInBoxIsAStandInInItsOwnVagrantDirectoryAndSaysSoInEveryReport() throws Exception {
        VagrantLab.Setup setup = setup(StandInGuest.BOX, true);

        assertTrue(setup.guest().standIn());
        assertEquals(dir.resolve("vagrant/standin"), setup.vagrantDir());
        assertEquals(Optional.of(StandInGuest.NOTICE), lab(setup).notice());
    }

    @Test
    void anyOtherBoxIsTheWindowsGuestAndNeedsNoNotice() throws Exception {
        VagrantLab.Setup setup = setup("xidlab/windows", false);

        assertEquals("Windows", setup.guest().name());
        assertEquals(dir.resolve("vagrant"), setup.vagrantDir());
        assertEquals(Optional.empty(), lab(setup).notice());
    }

    @Test
    void theGuestsLoadRunsTheDriverAsTheHostConfiguredItWithThePlansProfile() {
        StressProfile profile = new StressProfile(4, 32, OperationMix.typical(), MemoryPressure.HIGH,
                new Budget(20_000, Duration.ofSeconds(90)));

        assertEquals(List.of("--as-configured", "--json", "--workers", "4", "--processes", "32", "--mix",
                OperationMix.typical().label(), "--pressure", "high", "--seed", "7", "--operations", "20000",
                "--seconds", "90"), VagrantLab.loadArguments(profile, 7));
    }

    private static final CommandResult VAGRANT_ANSWERS = new CommandResult(0, "Vagrant 2.3.4\n", "", false);

    @Test
    void vagrantsWaitForAWindowsRebootIsTheLabsBootTimeoutInEveryVagrantCall() throws Exception {
        VagrantLab.Setup setup = new VagrantLab.Setup(dir, "xidlab/windows", false, Duration.ofMinutes(45),
                Duration.ofMinutes(90), Duration.ofMinutes(1), Optional.empty(), Map.of());
        Files.createDirectories(dir.resolve("vagrant"));
        Files.writeString(dir.resolve("vagrant/Vagrantfile"), "# windows\n");
        VagrantLab lab = lab(setup, VAGRANT_ANSWERS);

        assertThrows(LabUnavailableException.class, lab::checkAvailable, "no vagrant-libvirt plugin listed");
        lab.doctorHost();

        assertTrue(vagrantEnvironments.size() >= 3, vagrantEnvironments.toString());
        assertTrue(vagrantEnvironments.stream().allMatch(e -> "2700".equals(e.get("VAGRANT_MAX_REBOOT_RETRY_DURATION"))),
                vagrantEnvironments.toString());
    }

    @Test
    void aRebootWaitTheUserSetIsKept() throws Exception {
        Files.createDirectories(dir.resolve("vagrant"));
        Files.writeString(dir.resolve("vagrant/Vagrantfile"), "# windows\n");
        VagrantLab.Setup setup = new VagrantLab.Setup(dir, "xidlab/windows", false, Duration.ofMinutes(45),
                Duration.ofMinutes(90), Duration.ofMinutes(1), Optional.empty(),
                Map.of("VAGRANT_MAX_REBOOT_RETRY_DURATION", "7200"));

        assertThrows(LabUnavailableException.class, lab(setup, VAGRANT_ANSWERS)::checkAvailable);

        assertEquals("7200", vagrantEnvironments.get(0).get("VAGRANT_MAX_REBOOT_RETRY_DURATION"));
    }

    /** What the lab makes of a reboot whose evidence is this System log and no dump. */
    private RunOutcome judgedAfterAReboot(String eventLog, EvidenceWait.Ending ending, VagrantLab.Signal signal)
            throws Exception {
        GuestEvents events = GuestEvents.read(Files.readString(Path.of("fixtures/eventlogs", eventLog)), eventLog);
        Evidence.Found found = new Evidence.Found(List.of(), List.of(), List.of(), events.bugchecks(), List.of(), ending,
                ending == EvidenceWait.Ending.PLANNED_RESTART ? Optional.of(events.restarts().get(0)) : Optional.empty());
        return lab(setup("xidlab/windows", false)).crashed(found, Optional.empty(), signal, Duration.ofMinutes(3));
    }

    @Test
    void aRestartWindowsServicingAskedForMidRunIsALabErrorWithItsReasonNotARebootWithoutADump() throws Exception {
        RunOutcome outcome = judgedAfterAReboot("system-restart-windows-update.xml", EvidenceWait.Ending.PLANNED_RESTART,
                VagrantLab.Signal.SESSION_LOST);

        assertEquals(RunOutcome.LabFailure.plannedRestart("Windows servicing (Windows Update) restarted the guest:"
                + " C:\\Windows\\servicing\\TrustedInstaller.exe asked for a restart for 'Operating System: Service pack"
                + " (Planned)' (reason code 0x80020010, event 1074 at 2026-11-25T03:02:11.441Z)", Duration.ofMinutes(3)),
                outcome);
    }

    @Test
    void aRebootWithABugcheckEventIsABugcheckEvenWithoutItsDump() throws Exception {
        RunOutcome outcome = judgedAfterAReboot("system-full-dump-not-saved.xml", EvidenceWait.Ending.WINDOWS_KEPT_NONE,
                VagrantLab.Signal.PANIC_DEVICE);

        assertEquals(0x1000007FL, ((RunOutcome.Bugchecked) outcome).code());
    }
}
