package dev.xidlab.lab.vm;

import dev.xidlab.lab.LabException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The guest's libvirt domain as the host watches it: its state, and the hypervisor's sign that the guest went down
 * (a guest stopped at its crash notification is resumed, one that powered off is started).
 */
final class GuestDomain {

    /** The hypervisor's sign that the guest went down, and the bugcheck its Hyper-V crash report names. */
    record DomainSignal(VagrantLab.Signal signal, Optional<List<Long>> panicReport) {
    }

    private final Libvirt libvirt;
    private final Supplier<VagrantMachine> machine;
    private final Duration bootTimeout;
    private String id;
    private String name;

    GuestDomain(Libvirt libvirt, Supplier<VagrantMachine> machine, Duration bootTimeout) {
        this.libvirt = libvirt;
        this.machine = machine;
        this.bootTimeout = bootTimeout;
    }

    /** The domain Vagrant brought up, by its id, its name read from libvirt. */
    void attach(String domainId) {
        id = domainId;
        name = libvirt.name(domainId);
    }

    /** The domain by its id alone (a query of a machine already up). */
    void attachId(String domainId) {
        id = domainId;
    }

    String id() {
        return id;
    }

    String name() {
        return name;
    }

    Libvirt libvirt() {
        return libvirt;
    }

    Libvirt.DomainState stateOrNull() {
        return stateOf(id);
    }

    Libvirt.DomainState stateOf(String domainId) {
        try {
            return libvirt.state(domainId);
        } catch (LabException e) {
            return null;
        }
    }

    /**
     * What the domain says of the guest now: a guest stopped at its crash notification is resumed (after its
     * Hyper-V report is read) so it writes its dump and reboots, one that powered off is started; empty while it
     * runs.
     */
    Optional<DomainSignal> signal() {
        Libvirt.DomainState state = stateOrNull();
        if (state != null && state.crashed()) {
            Optional<List<Long>> report = libvirt.hypervCrashReport(name);
            libvirt.resume(id);
            return Optional.of(new DomainSignal(VagrantLab.Signal.PANIC_DEVICE, report));
        }
        if (state != null && state.off()) {
            machine.get().up(bootTimeout);
            return Optional.of(new DomainSignal(VagrantLab.Signal.POWERED_OFF, Optional.empty()));
        }
        return Optional.empty();
    }
}
