package dev.xidlab.lab.runner;

import dev.xidlab.lab.LabException;
import dev.xidlab.lab.LabUnavailableException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.ExecConfig;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * Runs vagrant inside a container image that has vagrant and vagrant-libvirt (vagrant-libvirt's own image, or
 * one built locally by {@code scripts/build-vagrant-image.sh}), through Testcontainers, against the host's
 * libvirt: for hosts where vagrant-libvirt will not install (its Ruby and libvirt library versions must agree,
 * which distributions' and HashiCorp's packages often do not). The checkout is mounted at the same path, so
 * paths in commands mean the same inside; the host network is used, so the guest's libvirt address answers.
 * Selected with XIDLAB_VAGRANT=container.
 *
 * <p>vagrant-libvirt's image starts through an entrypoint that takes its user from the owner of the nearest
 * Vagrantfile above its working directory and refuses to run as root unless told to; {@code docker exec} bypasses
 * that entrypoint. So the container starts in the Vagrant directory, and every command is exec'd as the
 * checkout's owner, so the files vagrant writes into the checkout and the boxes' directory stay the user's.
 */
public final class ContainerCommandRunner implements CommandRunner {

    public static final String DEFAULT_IMAGE = "vagrantlibvirt/vagrant-libvirt:latest";
    /** Exit status of coreutils timeout(1) when it had to stop the command. */
    private static final int TIMED_OUT = 124;
    private static final String GUEST_JRE_MSI = "/xidlab-guest-jre.msi";

    /** Where things are on the host, and what the Vagrantfile reads. */
    public record Mounts(Path checkout, Path vagrantDir, Path vagrantHome, Optional<Path> guestJreMsi,
                         Map<String, String> environment) {

        public Mounts {
            environment = Map.copyOf(environment);
        }
    }

    private final String image;
    private final Mounts mounts;
    private GenericContainer<?> container;

    public ContainerCommandRunner(String image, Mounts mounts) {
        this.image = image;
        this.mounts = mounts;
    }

    @Override
    public CommandResult run(List<String> command, Path directory, Map<String, String> environment,
                             Duration timeout) {
        GenericContainer<?> c = started();
        try {
            Container.ExecResult r = c.execInContainer(exec(command, directory, environment, timeout));
            boolean timedOut = r.getExitCode() == TIMED_OUT;
            return new CommandResult(timedOut ? -1 : r.getExitCode(), r.getStdout(), r.getStderr(), timedOut);
        } catch (IOException e) {
            throw new LabException("cannot run " + command.get(0) + " in the vagrant container: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while running " + command.get(0) + " in the container");
        }
    }

    /** The exec of one command: as the checkout's owner, in its directory, with the environment vagrant needs. */
    ExecConfig exec(List<String> command, Path directory, Map<String, String> environment, Duration timeout) {
        Owner owner = owner(mounts.vagrantDir());
        Map<String, String> env = new LinkedHashMap<>(containerEnvironment(owner));
        env.putAll(environment);
        return ExecConfig.builder()
                .command(inContainer(command, timeout).toArray(String[]::new))
                .user(owner.uid() + ":" + owner.gid())
                .workDir(directory.toString())
                .envVars(env)
                .build();
    }

    /**
     * A command bounded by timeout(1) inside the container, since an exec has no timeout of its own and a hung
     * vagrant must not hang the matrix.
     */
    static List<String> inContainer(List<String> command, Duration timeout) {
        List<String> exec = new ArrayList<>(List.of("timeout", "--kill-after=10",
                String.valueOf(Math.max(1, timeout.toSeconds()))));
        exec.addAll(command);
        return exec;
    }

    /** The user the files belong to: the owner of the Vagrant directory (the checkout's owner). */
    record Owner(int uid, int gid) {
    }

    static Owner owner(Path directory) {
        try {
            return new Owner((Integer) Files.getAttribute(directory, "unix:uid"),
                    (Integer) Files.getAttribute(directory, "unix:gid"));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            throw new LabUnavailableException("cannot read the owner of " + directory + " (the user vagrant runs as"
                    + " in the container): " + e.getMessage());
        }
    }

    /**
     * What every command sees: the boxes' directory, the system libvirt, the Vagrantfile's settings; the
     * entrypoint's own user has its home in /home/vagrant, root has /root.
     */
    private Map<String, String> containerEnvironment(Owner owner) {
        Map<String, String> env = new LinkedHashMap<>(mounts.environment());
        env.put("VAGRANT_HOME", "/.vagrant.d");
        env.put("LIBVIRT_DEFAULT_URI", "qemu:///system");
        env.put("HOME", owner.uid() == 0 ? "/root" : "/home/vagrant");
        mounts.guestJreMsi().ifPresent(msi -> env.put("XIDLAB_GUEST_JRE_MSI", GUEST_JRE_MSI));
        return env;
    }

    private GenericContainer<?> started() {
        if (container != null) {
            return container;
        }
        if (!dockerAvailable()) {
            throw new LabUnavailableException("no Docker engine is reachable for the vagrant container"
                    + " (start Docker, or unset XIDLAB_VAGRANT to use the host's vagrant)");
        }
        Owner owner = owner(mounts.vagrantDir());
        @SuppressWarnings("resource")
        GenericContainer<?> c = new GenericContainer<>(DockerImageName.parse(image))
                .withCommand("sleep", "infinity")
                .withNetworkMode("host")
                .withWorkingDirectory(mounts.vagrantDir().toString())
                .withFileSystemBind(mounts.checkout().toString(), mounts.checkout().toString(), BindMode.READ_WRITE)
                .withFileSystemBind("/var/run/libvirt", "/var/run/libvirt", BindMode.READ_WRITE)
                .withFileSystemBind(mounts.vagrantHome().toString(), "/.vagrant.d", BindMode.READ_WRITE)
                .withEnv("VAGRANT_HOME", "/.vagrant.d")
                .withEnv("LIBVIRT_DEFAULT_URI", "qemu:///system")
                .withEnv(mounts.environment());
        if (owner.uid() == 0) {
            // The checkout is root's (a CI machine): the entrypoint refuses root unless told it is meant.
            c.withEnv("IGNORE_RUN_AS_ROOT", "1");
        }
        mounts.guestJreMsi().ifPresent(msi -> c.withFileSystemBind(msi.toString(), GUEST_JRE_MSI, BindMode.READ_ONLY));
        try {
            c.start();
        } catch (RuntimeException e) {
            c.close();
            throw new LabUnavailableException("the vagrant container (" + image + ") did not start: "
                    + firstLine(e.getMessage()));
        }
        container = c;
        return c;
    }

    private static String firstLine(String message) {
        return message == null ? "no reason given" : message.lines().findFirst().orElse(message);
    }

    /**
     * Whether a Docker engine answers on its socket (DOCKER_HOST's unix socket, else /var/run/docker.sock): asked
     * directly with GET /_ping, because Testcontainers' own check can spend minutes pulling an image to probe with
     * where no registry is reachable.
     */
    public static boolean dockerAvailable() {
        String host = System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
        if (!host.startsWith("unix://")) {
            try {
                return DockerClientFactory.instance().isDockerAvailable();
            } catch (RuntimeException e) {
                return false;
            }
        }
        java.net.UnixDomainSocketAddress socket = java.net.UnixDomainSocketAddress.of(host.substring("unix://".length()));
        try (java.nio.channels.SocketChannel channel = java.nio.channels.SocketChannel.open(socket)) {
            channel.write(java.nio.ByteBuffer.wrap("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n"
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII)));
            java.nio.ByteBuffer answer = java.nio.ByteBuffer.allocate(64);
            channel.read(answer);
            return new String(answer.array(), 0, answer.position(), java.nio.charset.StandardCharsets.US_ASCII)
                    .startsWith("HTTP/1.") && new String(answer.array(), java.nio.charset.StandardCharsets.US_ASCII)
                    .contains(" 200 ");
        } catch (IOException | RuntimeException e) {
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
