package dev.xidlab.lab.vm;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The rule for the VM lab's tests: their packets to a guest stay inside a network namespace that the test run
 * made itself (scripts/test.sh's, named in XIDLAB_TEST_NETNS), never on the private addresses of the machine's
 * default namespace where libvirt's NAT network lives. Checked, not assumed: this JVM, libvirtd (which makes the
 * guest's network) and dockerd (the vagrant container's network) must all be in that namespace.
 */
final class TestNetwork {

    static final String VARIABLE = "XIDLAB_TEST_NETNS";

    private TestNetwork() {
    }

    /** Why the VM tests must not run here, or empty when everything they reach is inside the test's namespace. */
    static Optional<String> whyNot(String... daemons) {
        String name = System.getenv(VARIABLE);
        if (name == null || name.isBlank()) {
            return Optional.of(VARIABLE + " is not set: the VM lab's tests run only inside a network namespace of the"
                    + " test run's own (bash scripts/test.sh makes one), never on libvirt's NAT network of this machine");
        }
        Optional<String> ns = inode(Path.of("/run/netns", name));
        if (ns.isEmpty()) {
            return Optional.of("the network namespace " + name + " does not exist (/run/netns/" + name + ")");
        }
        if (!ns.equals(inode(Path.of("/proc/self/ns/net")))) {
            return Optional.of("this JVM is not inside the network namespace " + name
                    + " (failsafe's JVM is scripts/netns/bin/java under scripts/test.sh)");
        }
        for (String daemon : daemons) {
            Optional<Long> pid = pidOf(daemon);
            if (pid.isEmpty()) {
                return Optional.of(daemon + " is not running");
            }
            if (!ns.equals(inode(Path.of("/proc", pid.get().toString(), "ns/net")))) {
                return Optional.of(daemon + " (pid " + pid.get() + ") runs outside the network namespace " + name
                        + ": its guests' networks would be on this machine's own addresses; stop it and let"
                        + " scripts/test.sh start one inside");
            }
        }
        return Optional.empty();
    }

    private static Optional<String> inode(Path nsFile) {
        try {
            return Optional.of(String.valueOf(Files.getAttribute(nsFile, "unix:ino")));
        } catch (IOException | UnsupportedOperationException | IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private static Optional<Long> pidOf(String name) {
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().command().map(c -> Path.of(c).getFileName().toString().equals(name)).orElse(false))
                .map(ProcessHandle::pid).findFirst();
    }
}
