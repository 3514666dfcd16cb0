package dev.xidlab.lab.runner;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs a command on the host (vagrant, virsh, qemu). The VM lab reaches the hypervisor and Vagrant only through
 * this, so where vagrant runs (the host, or vagrant-libvirt's container) is one choice made in one place.
 */
public interface CommandRunner extends AutoCloseable {

    /**
     * Runs {@code command} in {@code directory} with {@code environment} added to the runner's own, and waits
     * for it, at most {@code timeout}.
     *
     * @throws LabUnavailableException when the program does not exist here
     */
    CommandResult run(List<String> command, Path directory, Map<String, String> environment, Duration timeout);

    default CommandResult run(List<String> command, Path directory, Duration timeout) {
        return run(command, directory, Map.of(), timeout);
    }

    /** Releases what the runner holds (a container); plain processes hold nothing. */
    @Override
    default void close() {
    }
}
