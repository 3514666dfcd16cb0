package dev.xidlab.driver;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Where the driver's C sources are, and the flags every one of them must compile cleanly with. */
final class DriverSources {

    static final Path DRIVER = Path.of(System.getProperty("xidlab.projectDir", "."), "driver");
    static final Path CORE = DRIVER.resolve("core").resolve("xf_core.c");
    static final Path INCLUDE = DRIVER.resolve("include");
    static final Path DDK_INCLUDE = Path.of("/usr/share/mingw-w64/include/ddk");

    /**
     * What MSVC's /W4 /WX would stop on, as far as gcc has it: -Wconversion and -Wsign-conversion (C4267, C4244),
     * -Wextra's unused parameters (C4100), -Wall's unused variables (C4189). scripts/build-driver.sh builds with
     * the same set.
     */
    static final List<String> WARNINGS = List.of("-Wall", "-Wextra", "-Werror", "-Wconversion", "-Wsign-conversion");

    /** The kernel build's compile flags (scripts/build-driver.sh), for a syntax-only pass. */
    static List<String> kernelFlags() {
        List<String> flags = new ArrayList<>(List.of("-std=gnu11", "-O2"));
        flags.addAll(WARNINGS);
        flags.addAll(List.of("-Wno-unknown-pragmas", "-Wno-multichar", "-Wno-array-bounds", "-DXF_KERNEL",
                "-D_AMD64_", "-DNTDDI_VERSION=0x0A000000", "-D_WIN32_WINNT=0x0A00", "-isystem",
                DDK_INCLUDE.toString(), "-I" + INCLUDE, "-ffreestanding", "-fno-builtin"));
        return flags;
    }

    /** The kernel driver's sources: the glue and the portable core. */
    static List<Path> kernelSources() throws IOException {
        List<Path> sources = new ArrayList<>();
        try (Stream<Path> glue = Files.list(DRIVER.resolve("src"))) {
            glue.filter(p -> p.toString().endsWith(".c")).sorted().forEach(sources::add);
        }
        sources.add(CORE);
        return sources;
    }

    private DriverSources() {
    }
}
