package dev.xidlab.cli;

import dev.xidlab.command.GuestLabs;
import dev.xidlab.device.ModelOptions;
import dev.xidlab.lab.Lab;
import dev.xidlab.lab.LabName;
import dev.xidlab.lab.runner.CommandRunner;
import dev.xidlab.lab.runner.ContainerCommandRunner;
import dev.xidlab.lab.runner.ProcessCommandRunner;
import dev.xidlab.lab.vm.Acceleration;
import dev.xidlab.lab.vm.HostCapacity;
import dev.xidlab.lab.vm.Libvirt;
import dev.xidlab.lab.vm.VagrantLab;
import dev.xidlab.site.Environment;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Opens the lab a user names: {@code sim} (the kernel model, default), {@code vagrant} (a Windows VM driven from
 * this host), {@code local} (this Windows machine: what the VM lab runs inside its guest) or {@code standin} (what
 * the VM lab runs inside its stand-in guest).
 */
public final class Labs {

    private Labs() {
    }

    /**
     * @throws IllegalArgumentException for an unknown name (a usage error)
     */
    public static Lab open(String name) {
        return open(name, false);
    }

    /**
     * @param allowStandIn whether {@code vagrant} may run on the stand-in guest box (never by accident)
     * @throws IllegalArgumentException for an unknown name or a bad XIDLAB_* setting (a usage error)
     */
    public static Lab open(String name, boolean allowStandIn) {
        return open(name, allowStandIn, ModelOptions.DEFAULTS);
    }

    /**
     * The lab, with the kernel model's options for {@code sim} and {@code standin} (which runs the model), and for
     * {@code vagrant} on its stand-in guest, whose load they set up; a real kernel has its own behaviour: they do
     * not apply to a Windows guest.
     *
     * @throws IllegalArgumentException for an unknown name or a bad XIDLAB_* setting (a usage error)
     */
    public static Lab open(String name, boolean allowStandIn, ModelOptions options) {
        return open(name, allowStandIn, options, Optional.empty(), false);
    }

    /**
     * The same, for a plan that stands for a customer's site: the kernel model stands for it through
     * {@code options}; the VM lab sizes its guest by it and checks the box's build against it (a mismatch refused
     * unless {@code allowBuildMismatch}).
     */
    public static Lab open(String name, boolean allowStandIn, ModelOptions options, Optional<Environment> site,
                           boolean allowBuildMismatch) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case LabName.VAGRANT:
                VagrantLab.Setup plain = vagrantSetup(allowStandIn).withStandInModel(options);
                VagrantLab.Setup setup = site.map(s -> plain.forSite(s, allowBuildMismatch, HostCapacity.probe())).orElse(plain);
                return new VagrantLab(setup, vagrantRunner(setup), Libvirt.system(new ProcessCommandRunner()),
                        () -> Acceleration.decide(System.getenv(Acceleration.OVERRIDE_VARIABLE), Path.of("/dev/kvm"),
                                "qemu-system-x86_64"));
            default:
                return GuestLabs.open(name, allowStandIn, options);
        }
    }

    /**
     * How vagrant runs: the host's (default), or XIDLAB_VAGRANT=container for a container image with vagrant and
     * vagrant-libvirt (XIDLAB_VAGRANT_IMAGE, default vagrant-libvirt's own) through Testcontainers.
     */
    static CommandRunner vagrantRunner(VagrantLab.Setup setup) {
        String how = System.getenv().getOrDefault("XIDLAB_VAGRANT", "host");
        switch (how) {
            case "host":
                return new ProcessCommandRunner();
            case "container":
                Map<String, String> passed = new TreeMap<>();
                System.getenv().forEach((k, v) -> {
                    if (k.startsWith("XIDLAB_") && !k.equals("XIDLAB_GUEST_JRE_MSI")) {
                        passed.put(k, v);
                    }
                });
                String vagrantHome = System.getenv().getOrDefault("VAGRANT_HOME",
                        Path.of(System.getProperty("user.home"), ".vagrant.d").toString());
                String msi = System.getenv("XIDLAB_GUEST_JRE_MSI");
                return new ContainerCommandRunner(System.getenv().getOrDefault("XIDLAB_VAGRANT_IMAGE",
                        ContainerCommandRunner.DEFAULT_IMAGE), new ContainerCommandRunner.Mounts(setup.home(),
                        setup.vagrantDir(), Path.of(vagrantHome),
                        msi == null || msi.isBlank() ? Optional.empty() : Optional.of(Path.of(msi).toAbsolutePath()),
                        passed));
            default:
                throw new IllegalArgumentException("XIDLAB_VAGRANT must be host or container, not '" + how + "'");
        }
    }

    /**
     * The VM lab of this checkout: XIDLAB_BOX names the box (xidlab/windows; xidlab/standin-linux is the
     * stand-in), XIDLAB_BOOT_MINUTES bounds a boot (default 20), XIDLAB_FIRST_BOOT_MINUTES the first one with its
     * provisioning (default 90), XIDLAB_LOAD_GRACE_MINUTES how long a load may overrun its time budget (default
     * 10), XIDLAB_GUEST_PASSWORD the guest account's password where the box has no key for us.
     */
    static VagrantLab.Setup vagrantSetup(boolean allowStandIn) {
        String box = System.getenv().getOrDefault("XIDLAB_BOX", VagrantLab.DEFAULT_BOX);
        String password = System.getenv("XIDLAB_GUEST_PASSWORD");
        return new VagrantLab.Setup(home(), box, allowStandIn, minutes("XIDLAB_BOOT_MINUTES", 20),
                minutes("XIDLAB_FIRST_BOOT_MINUTES", 90), minutes("XIDLAB_LOAD_GRACE_MINUTES", 10),
                password == null || password.isEmpty() ? Optional.empty() : Optional.of(password), Map.of());
    }

    private static Duration minutes(String variable, int fallback) {
        int minutes;
        try {
            minutes = Integer.parseInt(System.getenv().getOrDefault(variable, String.valueOf(fallback)));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(variable + " must be a whole number of minutes");
        }
        if (minutes < 1) {
            throw new IllegalArgumentException(variable + " must be at least 1, not " + minutes);
        }
        return Duration.ofMinutes(minutes);
    }

    /**
     * The checkout xidlab runs from: XIDLAB_HOME (or -Dxidlab.home, which ./xidlab sets), else the directory
     * above target/ when running from target/xidlab.jar, else the working directory.
     */
    static Path home() {
        String explicit = System.getProperty("xidlab.home", System.getenv("XIDLAB_HOME"));
        if (explicit != null && !explicit.isBlank()) {
            return Path.of(explicit).toAbsolutePath();
        }
        Path target = codeLocation().getParent();
        if (target != null && target.getParent() != null && target.getFileName().toString().equals("target")
                && Files.isDirectory(target.getParent().resolve("vagrant"))) {
            return target.getParent();
        }
        return Path.of("").toAbsolutePath();
    }

    /** The jar (or classes directory) this class came from; the working directory when that is unknown. */
    private static Path codeLocation() {
        CodeSource source = Labs.class.getProtectionDomain().getCodeSource();
        if (source == null) {
            return Path.of("").toAbsolutePath();
        }
        try {
            return Path.of(source.getLocation().toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            return Path.of("").toAbsolutePath();
        }
    }
}
