package dev.xidlab.lab;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Runs a command on the host (vagrant, virsh). The VM lab drives its guest only through this, so its whole
 * protocol with Vagrant is tested against recorded answers on machines that have no VM.
 */
public interface CommandRunner extends AutoCloseable {

    /**
     * Runs {@code command} in {@code directory} and waits for it, at most {@code timeout}.
     *
     * @throws LabUnavailableException when the program does not exist here
     */
    CommandResult run(List<String> command, Path directory, Duration timeout);

    /** Releases what the runner holds (a container); plain processes hold nothing. */
    @Override
    default void close() {
    }
}
