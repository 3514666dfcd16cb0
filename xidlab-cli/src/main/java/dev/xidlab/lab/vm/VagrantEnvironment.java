package dev.xidlab.lab.vm;

import dev.xidlab.lab.LabUnavailableException;
import dev.xidlab.lab.runner.CommandRunner;
import java.nio.file.Files;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The box and the Vagrant environment: whether the lab can run on this host (Vagrantfile, plugin, libvirt, box,
 * built driver and jar), how the guest's CPU runs here, and the machine as Vagrant sees it with the environment its
 * Vagrantfile reads.
 */
final class VagrantEnvironment {

    private final VagrantLab.Setup setup;
    private final GuestOs guest;
    private final CommandRunner vagrantRunner;
    private final Libvirt libvirt;
    private final Supplier<Acceleration> accelerationProbe;
    private final LabTrace trace;
    private Acceleration acceleration;
    private VagrantMachine machine;
    private boolean available;

    VagrantEnvironment(VagrantLab.Setup setup, GuestOs guest, CommandRunner vagrantRunner, Libvirt libvirt,
                       Supplier<Acceleration> accelerationProbe, LabTrace trace) {
        this.setup = setup;
        this.guest = guest;
        this.vagrantRunner = vagrantRunner;
        this.libvirt = libvirt;
        this.accelerationProbe = accelerationProbe;
        this.trace = trace;
    }

    /** How the guest's CPU runs here (probed once). */
    Acceleration acceleration() {
        if (acceleration == null) {
            acceleration = accelerationProbe.get();
        }
        return acceleration;
    }

    void checkAvailable() {
        if (available) {
            return;
        }
        if (!Files.isRegularFile(setup.vagrantDir().resolve("Vagrantfile"))) {
            throw new LabUnavailableException("no Vagrantfile in " + setup.vagrantDir()
                    + " (run xidlab from its checkout or set XIDLAB_HOME)");
        }
        if (guest.standIn() && !setup.allowStandIn()) {
            throw new LabUnavailableException("the box " + setup.box() + " is the stand-in guest (" + StandInGuest.NOTICE
                    + "): it proves the lab, not a driver; pass --allow-stand-in to use it anyway");
        }
        trace.step("checking vagrant, its plugin, libvirt and the box");
        VagrantMachine m = machine();
        m.version();
        if (!m.plugins().contains("vagrant-libvirt")) {
            throw new LabUnavailableException("the vagrant-libvirt plugin is missing (apt-get install vagrant-libvirt)");
        }
        libvirt.unreachableReason().ifPresent(reason -> {
            throw new LabUnavailableException(reason + " (start libvirtd, and virtlogd)");
        });
        if (!m.boxes().contains(setup.box())) {
            throw new LabUnavailableException("no Vagrant box '" + setup.box() + "' for libvirt: " + (guest.standIn()
                    ? "build it with scripts/build-standin-box.sh and vagrant box add --name " + StandInGuest.BOX + " FILE"
                    : "add a Windows 10/11 x64 box that meets vagrant/README.md's requirements (vagrant box add --name "
                    + setup.box() + " ...), or set XIDLAB_BOX"));
        }
        if (!Files.isRegularFile(setup.jar())
                || (!guest.standIn() && !Files.isRegularFile(setup.driverDir().resolve("xidfilter.sys")))) {
            throw new LabUnavailableException("build the driver and the jar first: mvn package (they go to "
                    + setup.driverDir() + " and " + setup.jar() + ")");
        }
        trace.step("the lab can run here: " + acceleration().describe());
        available = true;
    }

    VagrantMachine machine() {
        if (machine == null) {
            Map<String, String> environment = new java.util.HashMap<>(setup.environment());
            environment.putAll(acceleration().vagrantEnvironment());
            // Vagrant's wait for a Windows guest's reboot (the provisioning's reboot step) is 120 s unless this says
            // otherwise, whatever boot_timeout is: a slow boot would fail the first up, and every start provision again.
            environment.putIfAbsent(VagrantMachine.REBOOT_WAIT, String.valueOf(setup.bootTimeout().toSeconds()));
            machine = new VagrantMachine(vagrantRunner, setup.vagrantDir(), environment);
        }
        return machine;
    }

    /** What the runner holds (a vagrant container) goes. */
    void close() {
        vagrantRunner.close();
    }
}
