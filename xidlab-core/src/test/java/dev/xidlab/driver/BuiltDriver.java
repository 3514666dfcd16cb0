package dev.xidlab.driver;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the Maven build put the cross-built, test-signed driver (scripts/build-driver.sh target/driver). */
final class BuiltDriver {

    static final Path DIR = Path.of(System.getProperty("xidlab.projectDir", "."), "target", "driver");
    static final Path SYS = DIR.resolve("xidfilter.sys");
    static final Path CHECKED_SYS = DIR.resolve("checked").resolve("xidfilter.sys");
    static final Path CLIENT = DIR.resolve("xfclient.exe");
    static final Path CERT = DIR.resolve("xidlab-test.crt");

    static boolean built() {
        return Files.isRegularFile(SYS) && Files.isRegularFile(CHECKED_SYS) && Files.isRegularFile(CLIENT);
    }

    static final String NOT_BUILT = "target/driver/xidfilter.sys was not built: mingw-w64 or osslsigncode is missing"
            + " (the README's test command installs them)";

    private BuiltDriver() {
    }
}
