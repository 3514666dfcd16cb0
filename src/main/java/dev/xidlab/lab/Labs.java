package dev.xidlab.lab;

import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Opens the lab a user names: {@code sim} (the kernel model, default), {@code vagrant} (a Windows VM driven from
 * this host) or {@code local} (this Windows machine: what the VM lab runs inside its guest).
 */
public final class Labs {

    public static final String SIM = "sim";
    public static final String VAGRANT = "vagrant";
    public static final String LOCAL = "local";
    static final String EXPECTED = "(expected sim, vagrant or local)";

    private Labs() {
    }

    /**
     * @throws IllegalArgumentException for an unknown name (a usage error)
     */
    public static Lab open(String name) {
        switch (name.toLowerCase(Locale.ROOT)) {
            case SIM:
                return new SimLab();
            case VAGRANT:
                VagrantLab.Setup setup = vagrantSetup();
                return new VagrantLab(setup, vagrantRunner(setup));
            case LOCAL:
                return new LocalWindowsLab(Path.of(System.getProperty("java.io.tmpdir"), "xidlab-scratch"));
            default:
                throw new IllegalArgumentException("unknown lab '" + name + "' " + EXPECTED);
        }
    }

    /**
     * How vagrant runs: the host's (default), or XIDLAB_VAGRANT=container for vagrant-libvirt's container image
     * (XIDLAB_VAGRANT_IMAGE overrides the image) through Testcontainers.
     */
    static CommandRunner vagrantRunner(VagrantLab.Setup setup) {
        String how = System.getenv().getOrDefault("XIDLAB_VAGRANT", "host");
        switch (how) {
            case "host":
                return new ProcessCommandRunner();
            case "container":
                Map<String, String> passed = new TreeMap<>();
                System.getenv().forEach((k, v) -> {
                    if (k.startsWith("XIDLAB_")) {
                        passed.put(k, v);
                    }
                });
                String vagrantHome = System.getenv().getOrDefault("VAGRANT_HOME",
                        Path.of(System.getProperty("user.home"), ".vagrant.d").toString());
                return new ContainerCommandRunner(System.getenv().getOrDefault("XIDLAB_VAGRANT_IMAGE",
                        ContainerCommandRunner.DEFAULT_IMAGE), setup.home(), Path.of(vagrantHome), passed);
            default:
                throw new IllegalArgumentException("XIDLAB_VAGRANT must be host or container, not '" + how + "'");
        }
    }

    /** The VM lab of this checkout: XIDLAB_BOX names the box, XIDLAB_BOOT_MINUTES bounds a boot (default 20). */
    static VagrantLab.Setup vagrantSetup() {
        String box = System.getenv().getOrDefault("XIDLAB_BOX", VagrantLab.DEFAULT_BOX);
        int minutes;
        try {
            minutes = Integer.parseInt(System.getenv().getOrDefault("XIDLAB_BOOT_MINUTES", "20"));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("XIDLAB_BOOT_MINUTES must be a whole number of minutes");
        }
        if (minutes < 1) {
            throw new IllegalArgumentException("XIDLAB_BOOT_MINUTES must be at least 1, not " + minutes);
        }
        return new VagrantLab.Setup(home(), box, Path.of("/dev/kvm"), Duration.ofMinutes(minutes));
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
