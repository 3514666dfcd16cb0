package dev.xidlab.lint;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the Maven build put the lint corpus (scripts/build-lint-corpus.sh) and xidfilter's builds. Test code. */
public final class LintCorpus {

    static final Path PROJECT = Path.of(System.getProperty("xidlab.projectDir", "."));
    public static final Path DIR = PROJECT.resolve("target").resolve("lint-corpus");
    public static final Path DRIVER = PROJECT.resolve("target").resolve("driver");
    public static final Path FIELD = DRIVER.resolve("fixed/field/xidfilter.sys");
    public static final Path SKIP_PAGING_IO = DRIVER.resolve("fixed/skip-paging-io/xidfilter.sys");
    public static final Path RUNTIME_TABLE = DRIVER.resolve("xidfilter.sys");
    /** Real Microsoft drivers (MSVC code), kept for the symbol tests. */
    public static final Path AMDPPM = PROJECT.resolve("fixtures/symbols/amdppm.sys/C9C030003B000/amdppm.sys");
    public static final Path WDF = PROJECT.resolve(
            "fixtures/symbols/Wdf01000.sys/A9A9D36ED1000/Wdf01000.sys");

    public static final String NOT_BUILT = "target/lint-corpus was not built: mingw-w64 is missing"
            + " (apt-get install gcc-mingw-w64-x86-64 mingw-w64-x86-64-dev; the README's test command installs it)";
    public static final String DRIVER_NOT_BUILT = "target/driver/fixed was not built: mingw-w64 or osslsigncode is"
            + " missing (the README's test command installs them)";

    public static Path file(String name) {
        return DIR.resolve(name);
    }

    public static boolean built() {
        return Files.isRegularFile(DIR.resolve("i386.sys"));
    }

    public static boolean driverBuilt() {
        return Files.isRegularFile(FIELD) && Files.isRegularFile(SKIP_PAGING_IO) && Files.isRegularFile(RUNTIME_TABLE);
    }

    private LintCorpus() {
    }
}
