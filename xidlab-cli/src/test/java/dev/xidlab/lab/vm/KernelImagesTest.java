package dev.xidlab.lab.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VM lab files its guest's kernel images into the report's symbol store under the key a debugger asks a symbol
 * server for, fetched over the real transport (SFTP from Apache MINA SSHD's server in this process). A real image
 * plays the guest's kernel here (amdppm.sys from the fixture store: there is no Windows guest to fetch
 * ntoskrnl.exe from); an image the guest does not have is left out, and the rest are filed.
 */
class KernelImagesTest {

    private static final Path AMDPPM = Path.of("fixtures/symbols/amdppm.sys/C9C030003B000/amdppm.sys");

    @TempDir
    Path dir;

    @RegisterExtension
    final SshGuestExtension ssh = SshGuestExtension.guestRoot()
            .keepalive(new SshGuestShell.Keepalive(Duration.ofSeconds(5), 3));

    @Test
    void theGuestsImagesAreFiledUnderTheirImageKeysAndAMissingOneIsLeftOut() throws Exception {
        Path kernel = ssh.server().root().resolve("C:/Windows/System32/ntoskrnl.exe");
        Files.createDirectories(kernel.getParent());
        Files.copy(AMDPPM, kernel);

        List<Path> filed = KernelImages.file(ssh.shell(), new WindowsGuest(), dir.resolve("no-build"), dir.resolve("store"), new LabTrace());

        Path expected = dir.resolve("store/ntoskrnl.exe/C9C030003B000/ntoskrnl.exe");
        assertEquals(List.of(expected), filed);
        assertEquals(-1, Files.mismatch(AMDPPM, expected));
    }

    @Test
    void theStandInHasNoImagesToFile() {
        assertEquals(List.of(), KernelImages.file(ssh.shell(), new StandInGuest(), dir, dir.resolve("s"), new LabTrace()));
        assertTrue(Files.notExists(dir.resolve("s")));
    }
}
