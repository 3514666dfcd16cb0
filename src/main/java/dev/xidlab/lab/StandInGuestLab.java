package dev.xidlab.lab;

import dev.xidlab.device.Device;
import dev.xidlab.stress.StressProfile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;

/**
 * {@code --lab standin}: what the VM lab's stand-in guest runs instead of a Windows load. The kernel model is the
 * driver under test; when it bugchecks, its dump is written to the guest's dump directory and synced, and then
 * the guest's real Linux kernel is panicked, so the VM crashes and reboots for real and the host must detect
 * that and find the dump after the reboot exactly as it would on a Windows guest.
 *
 * <p>It panics the kernel it runs on, so it refuses to run anywhere but inside the stand-in VM: the box's identity
 * file must exist and the machine must be a QEMU/KVM virtual machine.
 */
public final class StandInGuestLab implements Lab {

    /** Where the guest's environment is; tests point these at a temporary directory. */
    public record Places(Path identityFile, Path dmiVendor, Path sysrqTrigger, Path dumpDirectory, Path serviceKey) {

        public static Places ofThisMachine() {
            String state = System.getProperty("xidlab.sim.state", System.getenv("XIDLAB_SIM_STATE"));
            return new Places(Path.of("/etc/xidlab-standin"), Path.of("/sys/class/dmi/id/sys_vendor"),
                    Path.of("/proc/sysrq-trigger"), Path.of("/var/crash/xidlab"),
                    state == null || state.isBlank() ? Path.of("/var/lib/xidlab/service-key.bin") : Path.of(state));
        }
    }

    /** What happens once the dump is safe: the real kernel panics (tests record it instead). */
    public interface Panic {
        void now(Path sysrqTrigger) throws IOException;
    }

    private final Places places;
    private final Panic panic;
    private final SimLab model;

    public StandInGuestLab() {
        this(Places.ofThisMachine(), StandInGuestLab::writeCrash);
    }

    public StandInGuestLab(Places places, Panic panic) {
        this.places = places;
        this.panic = panic;
        this.model = new SimLab(places.serviceKey());
    }

    @Override
    public String name() {
        return Labs.STANDIN;
    }

    @Override
    public void checkAvailable() {
        if (!Files.isRegularFile(places.identityFile())) {
            throw new LabUnavailableException("the stand-in lab panics the kernel it runs on, so it runs only inside"
                    + " the stand-in guest VM (no " + places.identityFile() + " here)");
        }
        String vendor;
        try {
            vendor = Files.readString(places.dmiVendor()).strip();
        } catch (IOException e) {
            vendor = "";
        }
        if (!vendor.toLowerCase(Locale.ROOT).contains("qemu")) {
            throw new LabUnavailableException("the stand-in lab panics the kernel it runs on; this machine's vendor is '"
                    + vendor + "', not a QEMU/KVM virtual machine");
        }
        if (!Files.isWritable(places.sysrqTrigger())) {
            throw new LabUnavailableException("cannot write " + places.sysrqTrigger() + " (run as root: sudo)");
        }
        model.checkAvailable();
    }

    @Override
    public void boot() {
        checkAvailable();
        model.boot();
    }

    @Override
    public Device deployDriver() {
        return model.deployDriver();
    }

    @Override
    public RunOutcome stress(StressProfile profile, long seed, Path evidenceDir) {
        RunOutcome outcome = model.stress(profile, seed, places.dumpDirectory());
        if (outcome instanceof RunOutcome.Bugchecked b) {
            try {
                if (b.dump().isPresent()) {
                    Path dump = b.dump().get();
                    dump.toFile().setReadable(true, false);
                    sync(dump);
                    sync(places.dumpDirectory());
                }
                panic.now(places.sysrqTrigger());
            } catch (IOException e) {
                return new RunOutcome.LabFailure("the model bugchecked but the guest could not be crashed: "
                        + e.getMessage(), b.elapsed());
            }
        }
        return outcome;
    }

    /** The dump must be on disk before the kernel goes: nothing is flushed after a panic. */
    private static void sync(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    private static void writeCrash(Path sysrqTrigger) throws IOException {
        Files.write(sysrqTrigger, "c".getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void close() {
        model.close();
    }
}
