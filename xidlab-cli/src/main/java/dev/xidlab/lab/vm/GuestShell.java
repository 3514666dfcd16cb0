package dev.xidlab.lab.vm;

import dev.xidlab.lab.runner.CommandResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A connection to the guest that runs commands and moves files. A command's exit code is the guest's; a lost
 * or refused connection is {@link GuestUnreachableException}, never an exit code, so a crashed guest cannot be
 * mistaken for a failed command.
 */
public interface GuestShell extends AutoCloseable {

    /** Runs one command line in the guest (what its SSH server's shell makes of it) and waits at most timeout. */
    CommandResult exec(String commandLine, Duration timeout);

    /**
     * Starts a long-lived command and talks to it a line at a time (its stdin and stdout), over the same connection.
     * The caller closes it.
     */
    Conversation converse(String commandLine);

    /** A command in the guest that answers each line it is sent with one line. */
    interface Conversation extends AutoCloseable {

        /** The next line the command prints, waiting at most timeout; empty at its end or past the timeout. */
        Optional<String> readLine(Duration timeout);

        /** Sends one line and returns the command's one-line answer. */
        String ask(String line, Duration timeout);

        /**
         * What the command printed on stderr so far: why a command that never answered did not (a JVM that could
         * not open its jar says so only there).
         */
        String errorOutput();

        /** The command's exit status once it has ended, waiting at most wait; empty while it still runs. */
        Optional<Integer> exitStatus(Duration wait);

        @Override
        void close();
    }

    /** Copies a host file to a guest path (forward slashes; the parent directory must exist). */
    void upload(Path source, String guestPath);

    /** Copies a guest file to a host file, replacing it only once the whole file has arrived. */
    void download(String guestPath, Path target);

    /**
     * Whether the guest's SSH port accepts a TCP connection within the bound: a cheap question to ask every second
     * while a guest reboots, before a login that costs a key exchange.
     */
    default boolean listening(Duration bound) {
        return true;
    }

    /** Drops the connection; the next call connects again (after the guest rebooted, say). */
    void disconnect();

    @Override
    void close();
}
