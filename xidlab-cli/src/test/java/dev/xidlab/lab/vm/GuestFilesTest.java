package dev.xidlab.lab.vm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab's files reaching a guest whole and durably, over the real transport (SFTP and commands of an SSH server
 * in this process) with the stand-in guest's own scripts (sha256sum, sync) running for real. The truncated jar is
 * what a stand-in guest's panic left behind in the lab's failing runs: 20.6 of 33.5 MB.
 */
class GuestFilesTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final SshGuestExtension ssh = SshGuestExtension.hostPaths();

    private final GuestFiles files = new GuestFiles(new StandInGuest());

    private GuestOs.Upload jar(byte[] content) throws Exception {
        Path host = Files.write(dir.resolve("xidlab.jar"), content);
        Path guest = Files.createDirectories(dir.resolve("opt/xidlab")).resolve("xidlab.jar");
        return new GuestOs.Upload(host, guest.toString());
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    @Test
    void aFileTheGuestLacksIsSentAndArrivesWhole() throws Exception {
        GuestOs.Upload jar = jar(bytes(2 * 1024 * 1024 + 3));

        assertEquals(List.of(jar), files.ensure(ssh.shell(), List.of(jar)));
        assertArrayEquals(Files.readAllBytes(jar.source()), Files.readAllBytes(Path.of(jar.guestPath())));
    }

    @Test
    void aFileThatCameBackTruncatedAfterACrashIsSentAgain() throws Exception {
        byte[] content = bytes(1024 * 1024);
        GuestOs.Upload jar = jar(content);
        Files.write(Path.of(jar.guestPath()), java.util.Arrays.copyOf(content, 616 * 1024));

        assertEquals(List.of(jar), files.ensure(ssh.shell(), List.of(jar)));
        assertArrayEquals(content, Files.readAllBytes(Path.of(jar.guestPath())));
    }

    @Test
    void aFileTheGuestHoldsByteForByteIsNotSentAgain() throws Exception {
        GuestOs.Upload jar = jar(bytes(4096));
        files.ensure(ssh.shell(), List.of(jar));
        Files.setLastModifiedTime(Path.of(jar.guestPath()), java.nio.file.attribute.FileTime.fromMillis(0));

        assertEquals(List.of(), files.ensure(ssh.shell(), List.of(jar)));
        assertEquals(0, Files.getLastModifiedTime(Path.of(jar.guestPath())).toMillis());
    }
}
