package dev.xidlab.lab.vm;

import dev.xidlab.lab.LabException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What the scripted guests' shells share: a download copies the host file the script says the guest has at that
 * path (a missing one fails as SFTP's would), and nothing is uploaded or conversed with.
 */
abstract class ScriptedGuestShell implements GuestShell {

    /** The host file whose bytes the guest has at {@code guestPath}, if it has one. */
    abstract Optional<Path> file(String guestPath);

    @Override
    public void download(String guestPath, Path target) {
        Path source = file(guestPath).orElseThrow(() -> new LabException("fetching the guest's " + guestPath
                + " failed: no such file"));
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            Files.copy(source, target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public Conversation converse(String commandLine) {
        throw new UnsupportedOperationException("not scripted");
    }

    @Override
    public void upload(Path source, String guestPath) {
        throw new UnsupportedOperationException("not scripted");
    }

    @Override
    public void disconnect() {
    }

    @Override
    public void close() {
    }
}
