package dev.xidlab.lab.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the lab says when the guest's agent never answers, from real processes over the real transport: a real JVM
 * given the jar a panic truncated (what the stand-in guest's failing runs had), and a command that runs on silently.
 */
class GuestDeviceTest {

    @TempDir
    Path dir;

    @RegisterExtension
    final SshGuestExtension ssh = SshGuestExtension.guestRoot();

    /** A real jar with a main class entry, cut at 60% as the panic cut the guest's. */
    private Path truncatedJar() throws Exception {
        Path jar = dir.resolve("xidlab.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, "dev.xidlab.cli.Main");
        byte[] filler = new byte[512 * 1024];
        new Random(7).nextBytes(filler);
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest)) {
            j.putNextEntry(new JarEntry("filler.bin"));
            j.write(filler);
            j.closeEntry();
        }
        byte[] whole = Files.readAllBytes(jar);
        Files.write(jar, java.util.Arrays.copyOf(whole, whole.length * 6 / 10));
        return jar;
    }

    @Test
    void anAgentWhoseJarIsCorruptSaysItsExitStatusAndWhatTheJvmPrinted() throws Exception {
        String jvm = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        try (GuestShell.Conversation agent = ssh.shell().converse(jvm + " -jar " + truncatedJar() + " driver serve")) {
            assertEquals(java.util.Optional.empty(), agent.readLine(Duration.ofSeconds(60)));

            String why = GuestDevice.silence(agent);

            assertTrue(why.startsWith("it exited with status 1 before answering: "), why);
            assertTrue(why.contains("Invalid or corrupt jarfile"), why);
        }
    }

    @Test
    void anAgentThatRunsOnSilentlySaysSoInsteadOfNoAnswer() {
        try (GuestShell.Conversation agent = ssh.shell().converse("echo loading classes >&2; sleep 60")) {
            String why = GuestDevice.silence(agent);

            assertEquals("no answer within " + GuestDevice.START_TIMEOUT.toSeconds()
                    + " s and it still runs: loading classes", why);
        }
    }
}
