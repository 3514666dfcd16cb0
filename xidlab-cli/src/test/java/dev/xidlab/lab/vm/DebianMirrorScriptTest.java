package dev.xidlab.lab.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.xidlab.lab.runner.CommandResult;
import dev.xidlab.lab.runner.ProcessCommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/debian-mirror.sh, which the box and image builds take their Debian mirror from: the real script, run on
 * an /etc of the test's own (XIDLAB_APT_ETC) holding Debian 12's os-release and apt sources in the shapes a host
 * has them. Hosts are under .example: no real mirror's name is written here.
 */
class DebianMirrorScriptTest {

    private static final Path SCRIPT = Path.of(System.getProperty("xidlab.projectDir", "."))
            .resolve("scripts/debian-mirror.sh").toAbsolutePath();

    /** Debian 12's /usr/lib/os-release as the release ships it, less its web addresses. */
    private static final String BOOKWORM = """
            PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
            NAME="Debian GNU/Linux"
            VERSION_ID="12"
            VERSION="12 (bookworm)"
            VERSION_CODENAME=bookworm
            ID=debian
            """;

    @TempDir
    Path etc;

    @BeforeEach
    void aDebian12Host() throws IOException {
        Files.writeString(etc.resolve("os-release"), BOOKWORM);
        Files.createDirectories(etc.resolve("apt/sources.list.d"));
    }

    private CommandResult mirror(Map<String, String> environment) {
        return new ProcessCommandRunner().run(List.of("bash", SCRIPT.toString()), etc, environment,
                Duration.ofSeconds(30));
    }

    /** The host's own sources, with no override from the environment the tests run in. */
    private CommandResult mirror() {
        return mirror(Map.of("XIDLAB_APT_ETC", etc.toString(), "XIDLAB_DEBIAN_MIRROR", ""));
    }

    private void write(String path, String text) throws IOException {
        Files.writeString(etc.resolve(path), text);
    }

    @Test
    void aOneLineSourceForTheHostsReleaseWithComponentMainIsTheMirrorItsOptionsAndSecuritySuiteAside()
            throws IOException {
        write("apt/sources.list", """
                # deb cdrom:[Debian GNU/Linux 12.5.0 _Bookworm_ - Official amd64 NETINST]/ bookworm main

                deb http://security.example/debian-security bookworm-security main non-free-firmware
                deb [ arch=amd64 signed-by=/usr/share/keyrings/debian-archive-keyring.gpg ] http://mirror.example/debian/ bookworm main non-free-firmware
                deb-src http://mirror.example/debian/ bookworm main non-free-firmware
                """);

        assertEquals(new CommandResult(0, "http://mirror.example/debian\n", "", false), mirror());
    }

    @Test
    void aDeb822StanzaIsReadWithItsFieldsInAnyCaseAndItsValuesFoldedOverLines() throws IOException {
        write("apt/sources.list.d/debian.sources", """
                Types: deb
                URIs: http://security.example/debian-security
                Suites: bookworm-security
                Components: main
                Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

                # the main archive
                types: deb deb-src
                uris:
                 https://mirror.example/debian
                 https://second.example/debian
                suites: bookworm-updates
                 bookworm
                components: main contrib
                """);

        assertEquals(new CommandResult(0, "https://mirror.example/debian\n", "", false), mirror());
    }

    @Test
    void aDisabledDeb822StanzaIsPassedOver() throws IOException {
        write("apt/sources.list.d/debian.sources", """
                Types: deb
                URIs: http://old.example/debian
                Suites: bookworm
                Components: main
                Enabled: no

                Types: deb
                URIs: http://mirror.example/debian
                Suites: bookworm
                Components: main
                """);

        assertEquals("http://mirror.example/debian\n", mirror().stdout());
    }

    @Test
    void aMirrorListSourceIsReadThroughItsListUnderTheSameEtc() throws IOException {
        write("apt/sources.list", "deb mirror+file:/etc/apt/mirrors/debian.list bookworm main\n");
        Files.createDirectories(etc.resolve("apt/mirrors"));
        write("apt/mirrors/debian.list", "# the cloud's own\nhttps://cloud-mirror.example/debian\tpriority:1\n");

        assertEquals("https://cloud-mirror.example/debian\n", mirror().stdout());
    }

    @Test
    void xidlabDebianMirrorIsUsedOverTheHostsSources() throws IOException {
        write("apt/sources.list", "deb http://mirror.example/debian bookworm main\n");

        assertEquals(new CommandResult(0, "http://company.example/debian\n", "", false),
                mirror(Map.of("XIDLAB_APT_ETC", etc.toString(), "XIDLAB_DEBIAN_MIRROR", "http://company.example/debian/")));
    }

    @Test
    void anOverrideThatIsNotAUrlIsAnInputErrorExit2() {
        CommandResult r = mirror(Map.of("XIDLAB_APT_ETC", etc.toString(), "XIDLAB_DEBIAN_MIRROR", "mirror.example"));

        assertEquals(List.of(2, "", "debian-mirror.sh: XIDLAB_DEBIAN_MIRROR must be an http://, https:// or file:/ URL,"
                + " not 'mirror.example'\n"), List.of(r.exitCode(), r.stdout(), r.stderr()));
    }

    @Test
    void sourcesWithNoDebianMirrorForTheReleaseAreOneLineOnStderrAndExit3() throws IOException {
        // Third parties' sources: another suite, the codename under another component, a shared alias.
        write("apt/sources.list.d/thirdparty.list", """
                deb [signed-by=/usr/share/keyrings/node.gpg] https://node.example/node_20.x nodistro main
                deb [arch=amd64] https://docker.example/linux/debian bookworm stable
                deb [arch=amd64] http://browser.example/linux/deb/ stable main
                """);
        write("apt/sources.list.d/security.sources",
                "Types: deb\nURIs: http://security.example/debian-security\nSuites: bookworm-security\nComponents: main\n");

        CommandResult r = mirror();

        assertEquals(List.of(3, "", "debian-mirror.sh: no Debian mirror for bookworm in " + etc + "/apt/sources.list or "
                + etc + "/apt/sources.list.d/ (a deb source with suite bookworm and component main); set"
                + " XIDLAB_DEBIAN_MIRROR to the URL of a Debian mirror\n"), List.of(r.exitCode(), r.stdout(), r.stderr()));
    }

    @Test
    void aHostThatIsNotDebianHasNoDebianMirrorExit3() throws IOException {
        write("os-release", BOOKWORM.replace("ID=debian", "ID=ubuntu").replace("bookworm", "noble"));
        write("apt/sources.list", "deb http://archive.example/ubuntu noble main restricted\n");

        CommandResult r = mirror();

        assertEquals(List.of(3, "debian-mirror.sh: this host is not Debian (os-release ID 'ubuntu' in " + etc + "), so"
                + " its apt sources name no Debian mirror; set XIDLAB_DEBIAN_MIRROR to the URL of a Debian mirror\n"),
                List.of(r.exitCode(), r.stderr()));
    }
}
