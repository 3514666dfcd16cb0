package dev.xidlab.lab.vm;

import dev.xidlab.lab.LabException;
import dev.xidlab.lab.runner.CommandResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * The lab's files in the guest (the jar, the driver, its install script): each one put there unless the guest
 * already has it byte for byte, then forced to the guest's disk and checked again. An upload only reaches the
 * guest's page cache, and the next crash run panics the guest within seconds: without the flush the jar came back
 * truncated after the reboot and every later run on that guest failed to start its agent. The lab asks again after
 * every reboot, since a crash can take back what was written before it.
 */
final class GuestFiles {

    private static final Duration QUICK = Duration.ofMinutes(2);

    private final GuestOs guest;

    GuestFiles(GuestOs guest) {
        this.guest = guest;
    }

    /** Makes the guest hold every upload, durably; returns the ones that had to be sent. */
    List<GuestOs.Upload> ensure(GuestShell shell, List<GuestOs.Upload> uploads) {
        List<GuestOs.Upload> sent = new ArrayList<>();
        for (GuestOs.Upload u : uploads) {
            // Unchanged files stay: the jar is tens of megabytes, and a guest keeps it across invocations.
            if (!holds(shell, u)) {
                shell.upload(u.source(), u.guestPath());
                sent.add(u);
            }
        }
        if (sent.isEmpty()) {
            return sent;
        }
        CommandResult flushed = shell.exec(guest.commandLine(
                guest.flushScript(sent.stream().map(GuestOs.Upload::guestPath).toList())), QUICK);
        if (!flushed.succeeded()) {
            throw new LabException("syncing the uploaded files to the guest's disk failed: " + flushed.lastErrorLine());
        }
        for (GuestOs.Upload u : sent) {
            if (!holds(shell, u)) {
                throw new LabException("the upload of " + u.source().getFileName() + " to " + u.guestPath()
                        + " arrived damaged: its SHA-256 in the guest is not the host's");
            }
        }
        return sent;
    }

    private boolean holds(GuestShell shell, GuestOs.Upload u) {
        String there = shell.exec(guest.commandLine(guest.sha256Script(u.guestPath())), QUICK).stdout().strip();
        return sha256(u.source()).equalsIgnoreCase(there);
    }

    static String sha256(Path file) {
        try (var in = Files.newInputStream(file)) {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            for (int n; (n = in.read(buffer)) > 0; ) {
                digest.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new LabException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
