package dev.xidlab.lab.sim;

import dev.xidlab.device.Device;
import dev.xidlab.device.ModelOptions;
import dev.xidlab.lab.Lab;
import dev.xidlab.lab.LabException;
import dev.xidlab.lab.LabName;
import dev.xidlab.lab.LabUnavailableException;
import dev.xidlab.lab.RunOutcome;
import dev.xidlab.load.StressProfile;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code --lab standin}: what the VM lab's stand-in guest runs instead of a Windows load. The kernel model is the
 * driver under test; when it bugchecks, its dump is written to the guest's dump directory and synced, and then
 * the guest's real Linux kernel is panicked, so the VM crashes and reboots for real and the host must detect
 * that and find the dump after the reboot exactly as it would on a Windows guest.
 *
 * <p>A hang of the model ({@code --same-thread-fault wait}) is made real for the host the same way: the load
 * stops answering and never finishes while the guest's kernel runs on, and the host's NMI panics that kernel
 * ({@code kernel.unknown_nmi_panic=1}).
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

    /**
     * What happens once the model has hung: the load holds the hang as a hung machine would, answering nothing and
     * never finishing, until the host's NMI panics the kernel under it (tests record it instead).
     */
    public interface Hold {
        void forever(String why);
    }

    private final Places places;
    private final Panic panic;
    private final Hold hold;
    private final SimLab model;

    public StandInGuestLab() {
        this(ModelOptions.DEFAULTS);
    }

    /** The stand-in's lab with the model set up as the host's plan says ({@code --same-thread-fault wait}). */
    public StandInGuestLab(ModelOptions options) {
        this(Places.ofThisMachine(), StandInGuestLab::writeCrash, StandInGuestLab::holdForever, options);
    }

    public StandInGuestLab(Places places, Panic panic) {
        this(places, panic, StandInGuestLab::holdForever, ModelOptions.DEFAULTS);
    }

    public StandInGuestLab(Places places, Panic panic, Hold hold, ModelOptions options) {
        this.places = places;
        this.panic = panic;
        this.hold = hold;
        this.model = new SimLab(places.serviceKey(), options);
    }

    /** How the model this lab runs is set up (what the host's plan asked for). */
    public ModelOptions options() {
        return model.options();
    }

    @Override
    public String name() {
        return LabName.STANDIN;
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

    /** The model's driver is the build the host installed (the stand-in's package); loading it is the model's. */
    @Override
    public void loadInstalledDriver() {
        model.loadInstalledDriver();
    }

    @Override
    public RunOutcome stress(StressProfile profile, long seed, Path evidenceDir) {
        RunOutcome outcome = model.stress(profile, seed, places.dumpDirectory());
        if (outcome instanceof RunOutcome.Hung h) {
            // The model saw its deadlock the moment it formed; a real machine would say nothing, and neither does
            // this load: the host must find the hang by its bound, as on Windows, and its NMI ends it. The NMI
            // panics this kernel at once, so the dump it leaves is written and synced now, while this runs.
            hold.forever("the kernel model hung: " + h.reason() + "; " + nmiDump() + ". This load now holds the"
                    + " hang as a hung machine would (it answers nothing and never finishes, the kernel under it"
                    + " keeps running), until the host's NMI panics the kernel (kernel.unknown_nmi_panic=1).");
        }
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

    /** The model's dump of its hung machine as an NMI leaves it (0x80, the hung thread's stack), on disk. */
    private String nmiDump() {
        try {
            Optional<Path> dump = model.injectNmi(places.dumpDirectory());
            if (dump.isEmpty()) {
                return "the model wrote no dump of the NMI";
            }
            dump.get().toFile().setReadable(true, false);
            sync(dump.get());
            sync(places.dumpDirectory());
            return "the dump the host's NMI leaves (bugcheck 0x80, the hung thread's stack) is " + dump.get();
        } catch (IOException | LabException e) {
            return "the dump of the NMI could not be written: " + e.getMessage();
        }
    }

    /** The dump must be on disk before the kernel goes: nothing is flushed after a panic. */
    private static void sync(Path path) throws IOException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            channel.force(true);
        }
    }

    /** Said once in the load's log (the host keeps it), then asleep for good: no interrupt wakes a hung machine. */
    private static void holdForever(String why) {
        System.err.println("xidlab stand-in: " + why);
        System.err.flush();
        while (true) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                // Still hung.
            }
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
