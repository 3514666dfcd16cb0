package dev.xidlab.lab;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Runs vagrant inside vagrant-libvirt's own container image (through Testcontainers), against the host's libvirt:
 * for hosts where vagrant-libvirt will not install (its Ruby and libvirt library versions must agree, which
 * distributions' and HashiCorp's packages often do not). The checkout is mounted at the same path, so paths in
 * commands mean the same inside; the host network is used, so the guest's libvirt address answers ssh.
 * Selected with XIDLAB_VAGRANT=container.
 */
public final class ContainerCommandRunner implements CommandRunner {

    public static final String DEFAULT_IMAGE = "vagrantlibvirt/vagrant-libvirt:latest";
    /** Exit status of coreutils timeout(1) when it had to stop the command. */
    private static final int TIMED_OUT = 124;

    private final String image;
    private final Path checkout;
    private final Path vagrantHome;
    private final Map<String, String> environment;
    private GenericContainer<?> container;

    /**
     * @param vagrantHome the host's Vagrant home (boxes, plugins' data), mounted where the image expects it
     * @param environment what the Vagrantfile reads (XIDLAB_BOX, XIDLAB_GUEST_*), passed into the container
     */
    public ContainerCommandRunner(String image, Path checkout, Path vagrantHome, Map<String, String> environment) {
        this.image = image;
        this.checkout = checkout;
        this.vagrantHome = vagrantHome;
        this.environment = Map.copyOf(environment);
    }

    @Override
    public CommandResult run(List<String> command, Path directory, Duration timeout) {
        GenericContainer<?> c = started();
        try {
            Container.ExecResult r = c.execInContainer(inContainer(command, directory, timeout).toArray(String[]::new));
            boolean timedOut = r.getExitCode() == TIMED_OUT;
            return new CommandResult(timedOut ? -1 : r.getExitCode(), r.getStdout(), r.getStderr(), timedOut);
        } catch (IOException e) {
            throw new LabException("cannot run " + command.get(0) + " in the vagrant-libvirt container: "
                    + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while running " + command.get(0) + " in the container");
        }
    }

    /**
     * The exec for a command: in its directory, bounded by timeout(1) inside the container, since an exec has
     * no timeout of its own and a hung vagrant must not hang the matrix.
     */
    static List<String> inContainer(List<String> command, Path directory, Duration timeout) {
        List<String> exec = new ArrayList<>(List.of("timeout", "--kill-after=10",
                String.valueOf(Math.max(1, timeout.toSeconds())), "sh", "-c", "cd \"$1\" && shift && exec \"$@\"",
                "xidlab", directory.toString()));
        exec.addAll(command);
        return exec;
    }

    private GenericContainer<?> started() {
        if (container != null) {
            return container;
        }
        if (!dockerAvailable()) {
            throw new LabUnavailableException("no Docker engine is reachable for the vagrant-libvirt container"
                    + " (start Docker, or unset XIDLAB_VAGRANT to use the host's vagrant)");
        }
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image))
                .withCommand("sleep", "infinity")
                .withNetworkMode("host")
                .withFileSystemBind(checkout.toString(), checkout.toString(), BindMode.READ_WRITE)
                .withFileSystemBind("/var/run/libvirt", "/var/run/libvirt", BindMode.READ_WRITE)
                .withFileSystemBind(vagrantHome.toString(), "/.vagrant.d", BindMode.READ_WRITE)
                .withEnv("VAGRANT_HOME", "/.vagrant.d")
                .withEnv("LIBVIRT_DEFAULT_URI", "qemu:///system")
                .withEnv(environment);
        try {
            c.start();
        } catch (RuntimeException e) {
            c.close();
            throw new LabUnavailableException("the vagrant-libvirt container (" + image + ") did not start: "
                    + e.getMessage());
        }
        container = c;
        return c;
    }

    static boolean dockerAvailable() {
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        if (container != null) {
            container.close();
            container = null;
        }
    }
}
