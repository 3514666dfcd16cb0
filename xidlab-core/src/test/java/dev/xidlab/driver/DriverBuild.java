package dev.xidlab.driver;

import dev.xidlab.testing.ExternalCommand;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The driver's one C build, driver/Makefile, as the tests run it: a test names a target, never a compiler line, so
 * the flags every C source is held to (the warnings MSVC's /W4 /WX would stop on, as far as gcc has them) live in
 * the Makefile alone.
 */
final class DriverBuild {

    static final Path DRIVER = Path.of(System.getProperty("xidlab.projectDir", "."), "driver").toAbsolutePath();

    /** Runs {@code make -s -C driver TARGET [OUT=out]} from {@code work}. */
    static ExternalCommand make(Path work, String target, Path out) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("make", "-s", "-C", DRIVER.toString(), target));
        if (out != null) {
            command.add("OUT=" + out.toAbsolutePath());
        }
        return ExternalCommand.run(work, command);
    }

    /** The kernel build's compile flags (target print-kernel-flags), for compiling a probe as the driver is. */
    static List<String> kernelFlags(Path work) throws IOException, InterruptedException {
        ExternalCommand printed = make(work, "print-kernel-flags", null);
        if (printed.exitCode() != 0) {
            throw new IllegalStateException("make print-kernel-flags failed: " + printed.output());
        }
        return Arrays.asList(printed.output().strip().split("\\s+"));
    }

    private DriverBuild() {
    }
}
