package dev.xidlab.lab.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xidlab.lab.runner.CommandResult;
import dev.xidlab.lab.runner.ProcessCommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The stand-in box's manifest as scripts/standin-manifest.sh writes it, made for real from this host's own root
 * filesystem (its dpkg database and /boot, the shape the box's chroot has), and as xidlab reads it.
 */
class StandInManifestTest {

    static final Path SCRIPT = Path.of(System.getProperty("xidlab.projectDir", "."))
            .resolve("scripts/standin-manifest.sh").toAbsolutePath();
    static final String RECIPE = "0123456789ab";
    static final String MIRROR = "http://mirror.example/debian";

    @TempDir
    Path dir;

    /**
     * The manifest of this host's root, written to file by the real script; the test is skipped on a host that is
     * not a Debian with a kernel in /boot and the JRE package, which the box always has.
     */
    static Path realManifest(Path file) throws IOException {
        return realManifest(file, MIRROR);
    }

    private static Path realManifest(Path file, String mirror) throws IOException {
        CommandResult r = new ProcessCommandRunner().run(List.of("bash", SCRIPT.toString(), "/", RECIPE, mirror),
                file.getParent(), Map.of(), Duration.ofMinutes(1));
        assumeTrue(r.exitCode() == 0, "this host's root is not like the box's: " + r.stderr().strip());
        Files.writeString(file, r.stdout());
        return file;
    }

    private static String dpkgVersion(String pkg) {
        return new ProcessCommandRunner().run(List.of("dpkg-query", "-W", "-f=${Version}", pkg), Path.of("/"),
                Map.of(), Duration.ofSeconds(30)).stdout();
    }

    @Test
    void theHeaderSaysTheRecipeTheMirrorTheKernelAndTheJreWithTheirPackageVersions() throws IOException {
        List<String> header = StandInManifest.read(realManifest(dir.resolve("m"))).header();

        assertEquals(List.of("recipe", "built", "mirror", "debian", "kernel", "jre", "packages"),
                header.stream().map(l -> l.split(" ")[0]).toList());
        assertEquals(List.of("recipe " + RECIPE, "mirror " + MIRROR), List.of(header.get(0), header.get(2)));
        String[] kernel = header.get(4).split(" ");
        assertTrue(Files.isRegularFile(Path.of("/boot/vmlinuz-" + kernel[1])), header.get(4));
        assertEquals(dpkgVersion("linux-image-" + kernel[1]), kernel[2]);
        assertEquals("jre openjdk-17-jre-headless " + dpkgVersion("openjdk-17-jre-headless"), header.get(5));
    }

    @Test
    void everyInstalledPackageIsListedWithItsVersionAndCounted() throws IOException {
        List<String> lines = Files.readAllLines(realManifest(dir.resolve("m")));
        List<String> packages = lines.stream().filter(l -> l.startsWith("package ")).toList();

        assertTrue(lines.contains("packages " + packages.size()), lines.subList(0, 9).toString());
        assertTrue(packages.contains("package dpkg " + dpkgVersion("dpkg")), "dpkg itself is listed");
    }

    @Test
    void aPasswordInTheMirrorsUrlIsNotRecorded() throws IOException {
        List<String> header = StandInManifest.read(realManifest(dir.resolve("m"),
                "https://builder:secret@mirror.example/debian")).header();

        assertEquals("mirror https://mirror.example/debian", header.get(2));
    }

    @Test
    void aRootWithoutAKernelHasNoManifestExit3() throws IOException {
        Files.createDirectories(dir.resolve("var/lib/dpkg"));

        CommandResult r = new ProcessCommandRunner().run(List.of("bash", SCRIPT.toString(), dir.toString(), RECIPE,
                MIRROR), dir, Map.of(), Duration.ofSeconds(30));

        assertEquals(List.of(3, "", "standin-manifest.sh: no kernel (vmlinuz-*) in " + dir + "/boot\n"),
                List.of(r.exitCode(), r.stdout(), r.stderr()));
    }

    @Test
    void theSummaryIsTheHeaderOnOneLineWithoutCommentsOrPackages() {
        StandInManifest m = StandInManifest.parse("# made by the build\nrecipe 0123456789ab\n\nkernel 6.1.0-21-amd64"
                + " 6.1.90-1\npackage adduser 3.134\npackages 1\n");

        assertEquals("recipe 0123456789ab, kernel 6.1.0-21-amd64 6.1.90-1, packages 1", m.summary());
    }

    @Test
    void theCacheIsXidlabCacheOrTheUsersCacheDirectoryAsForTheBuildScript() {
        assertEquals(List.of(Path.of("/srv/cache"), Path.of("/home/u/.cache/xidlab")),
                List.of(StandInManifest.cacheDir(Map.of("XIDLAB_CACHE", "/srv/cache"), Path.of("/home/u")),
                        StandInManifest.cacheDir(Map.of(), Path.of("/home/u"))));
    }
}
