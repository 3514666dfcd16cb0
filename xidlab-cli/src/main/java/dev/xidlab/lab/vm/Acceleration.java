package dev.xidlab.lab.vm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * How the hypervisor runs the guest's CPU: KVM where it works, QEMU's software CPU (TCG) where it does not, found
 * by running a probe, never assumed. {@code /dev/kvm} existing proves nothing: a paravirtual KVM (PVM, on a host
 * that is itself a VM) runs only specially built guest kernels, and libvirt still lists domain type {@code kvm}.
 *
 * <p>The probe is a 512-byte boot sector (kvm-probe.asm beside this class) that does what every guest OS does in
 * its first second: long mode with paging, then an interrupt and its return. Where KVM cannot run an ordinary
 * guest, QEMU reports a KVM internal error; where it can, the probe exits at once.
 */
public record Acceleration(Kind kind, String detail) {

    public enum Kind {
        KVM("kvm"), TCG("qemu");

        private final String libvirtDriver;

        Kind(String libvirtDriver) {
            this.libvirtDriver = libvirtDriver;
        }

        /** vagrant-libvirt's {@code libvirt.driver} (the domain type): kvm, or qemu for the software CPU. */
        public String libvirtDriver() {
            return libvirtDriver;
        }
    }

    /** The Vagrantfiles read this to choose the domain type. */
    public static final String DRIVER_VARIABLE = "XIDLAB_LIBVIRT_DRIVER";
    /** Forces a kind (kvm or qemu) without probing, for hosts where the user knows better than the probe. */
    public static final String OVERRIDE_VARIABLE = "XIDLAB_ACCEL";
    private static final int PROBE_PASSED = (0x31 << 1) | 1;
    private static final Duration PROBE_LIMIT = Duration.ofSeconds(20);
    private static final List<String> KVM_FAILURES = List.of("KVM internal error", "failed to set MSR",
            "emulation failure", "Could not access KVM kernel module", "failed to initialize kvm");

    public boolean kvm() {
        return kind == Kind.KVM;
    }

    /** The environment the Vagrantfiles see. */
    public Map<String, String> vagrantEnvironment() {
        return Map.of(DRIVER_VARIABLE, kind.libvirtDriver());
    }

    /** One line for status and doctor: what runs the guest's CPU, and why. */
    public String describe() {
        return (kvm() ? "KVM" : "QEMU software CPU (TCG)") + ": " + detail;
    }

    /**
     * Decides from the override, or the probe.
     *
     * @param override the value of {@link #OVERRIDE_VARIABLE}, or null
     */
    public static Acceleration decide(String override, Path kvmDevice, String qemu) {
        if (override != null && !override.isBlank()) {
            return switch (override.strip()) {
                case "kvm" -> new Acceleration(Kind.KVM, OVERRIDE_VARIABLE + "=kvm (not probed)");
                case "qemu", "tcg" -> new Acceleration(Kind.TCG, OVERRIDE_VARIABLE + "=" + override.strip()
                        + " (not probed)");
                default -> throw new IllegalArgumentException(OVERRIDE_VARIABLE + " must be kvm or qemu, not '"
                        + override + "'");
            };
        }
        return probe(kvmDevice, qemu);
    }

    /** Runs the probe under KVM. */
    public static Acceleration probe(Path kvmDevice, String qemu) {
        if (!Files.exists(kvmDevice)) {
            return new Acceleration(Kind.TCG, "no " + kvmDevice + " (no hardware virtualisation here): guests run"
                    + " several times slower");
        }
        if (!Files.isReadable(kvmDevice) || !Files.isWritable(kvmDevice)) {
            return new Acceleration(Kind.TCG, kvmDevice + " is not usable by this user (add it to group kvm):"
                    + " guests run several times slower");
        }
        Path image;
        try {
            image = Files.createTempFile("xidlab-kvm-probe-", ".img");
            try (InputStream in = Acceleration.class.getResourceAsStream("kvm-probe.img")) {
                if (in == null) {
                    throw new IOException("the probe image is missing from the jar");
                }
                Files.write(image, in.readAllBytes());
            }
        } catch (IOException e) {
            return new Acceleration(Kind.TCG, "the KVM probe could not be written (" + e.getMessage() + ")");
        }
        try {
            return run(image, qemu);
        } finally {
            try {
                Files.deleteIfExists(image);
            } catch (IOException e) {
                // A 512-byte temp file is not worth a failure.
            }
        }
    }

    private static Acceleration run(Path image, String qemu) {
        Process process;
        try {
            process = new ProcessBuilder(qemu, "-accel", "kvm", "-machine", "pc", "-m", "16", "-display", "none",
                    "-nodefaults", "-no-user-config", "-serial", "none", "-monitor", "none",
                    "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04",
                    "-drive", "file=" + image + ",format=raw,if=ide")
                    .redirectErrorStream(true).start();
        } catch (IOException e) {
            return new Acceleration(Kind.TCG, qemu + " cannot run (" + e.getMessage() + "): install qemu-system-x86");
        }
        AtomicReference<String> failure = new AtomicReference<>();
        Thread watcher = new Thread(() -> watch(process, failure), "xidlab-kvm-probe");
        watcher.setDaemon(true);
        watcher.start();
        try {
            boolean exited = process.waitFor(PROBE_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            if (!exited) {
                process.destroyForcibly().waitFor();
                watcher.join(1000);
                return new Acceleration(Kind.TCG, "/dev/kvm is present but KVM cannot run an ordinary guest ("
                        + (failure.get() != null ? failure.get() : "the probe did not finish in "
                        + PROBE_LIMIT.toSeconds() + " s") + "): guests run on the software CPU, several times slower");
            }
            watcher.join(1000);
            if (process.exitValue() == PROBE_PASSED) {
                return new Acceleration(Kind.KVM, "the KVM probe ran an ordinary guest");
            }
            return new Acceleration(Kind.TCG, "/dev/kvm is present but KVM cannot run an ordinary guest ("
                    + (failure.get() != null ? failure.get() : "the probe exited " + process.exitValue())
                    + "): guests run on the software CPU, several times slower");
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Acceleration(Kind.TCG, "the KVM probe was interrupted");
        }
    }

    /** Reads QEMU's output; at the first sign that KVM failed, records it and stops QEMU (it would just wait). */
    private static void watch(Process process, AtomicReference<String> failure) {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                for (String sign : KVM_FAILURES) {
                    if (line.contains(sign) && failure.get() == null) {
                        failure.set(line.replaceFirst("^qemu-system-x86_64: ", "").strip());
                        process.destroyForcibly();
                    }
                }
            }
        } catch (IOException e) {
            // The process ended; its exit code says the rest.
        }
    }
}
