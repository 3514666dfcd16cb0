package dev.xidlab.lab.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VM lab files its guest's kernel images into the report's symbol store under the key a debugger asks a symbol
 * server for. A real image plays the guest's kernel here (amdppm.sys from the fixture store: there is no Windows
 * guest to fetch ntoskrnl.exe from); an image the guest does not have is left out, and the rest are filed.
 */
class KernelImagesTest {

    private static final Path AMDPPM = Path.of("src/test/resources/symbols/amdppm.sys/C9C030003B000/amdppm.sys");

    @TempDir
    Path dir;

    @Test
    void theGuestsImagesAreFiledUnderTheirImageKeysAndAMissingOneIsLeftOut() throws Exception {
        ScriptedWindowsShell guest = new ScriptedWindowsShell().file("C:/Windows/System32/ntoskrnl.exe", AMDPPM);

        List<Path> filed = KernelImages.file(guest, new WindowsGuest(), dir.resolve("no-build"), dir.resolve("store"));

        Path expected = dir.resolve("store/ntoskrnl.exe/C9C030003B000/ntoskrnl.exe");
        assertEquals(List.of(expected), filed);
        assertTrue(Files.exists(expected));
        assertEquals(Files.size(AMDPPM), Files.size(expected));
    }

    @Test
    void theStandInHasNoImagesToFile() {
        assertEquals(List.of(), KernelImages.file(new ScriptedWindowsShell(), new StandInGuest(), dir, dir.resolve("s")));
    }
}
