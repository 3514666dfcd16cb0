package dev.xidlab.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.Test;

/**
 * The jars as they are packaged: the agent (the only jar a guest receives) is small and holds the guest's side
 * only, and both carry JNA's natives for the two platforms xidlab runs on and no others.
 */
class AgentJarIT {

    private static final Path TARGET = Path.of(System.getProperty("xidlab.projectDir", ".")).resolve("target");
    private static final Path AGENT = TARGET.resolve("xidlab-agent.jar");
    private static final Path CLI = TARGET.resolve("xidlab.jar");

    @Test
    void theAgentJarIsAtMostEightMegabytes() throws IOException {
        assertTrue(Files.size(AGENT) <= 8L << 20, AGENT + " is " + Files.size(AGENT) + " bytes");
    }

    @Test
    void theAgentJarHoldsNoneOfTheHostsParts() throws IOException {
        List<String> hostParts = List.of("dev/xidlab/cli/", "dev/xidlab/lab/vm/", "dev/xidlab/lab/runner/",
                "dev/xidlab/lint/", "dev/xidlab/report/", "dev/xidlab/matrix/", "org/apache/sshd/",
                "org/testcontainers/", "com/github/dockerjava/", "me/tongfei/", "org/junit/", "junit/");
        assertEquals(List.of(), entries(AGENT).stream()
                .filter(e -> hostParts.stream().anyMatch(e::startsWith)).limit(10).toList());
    }

    @Test
    void bothJarsCarryJnaNativesForLinuxAndWindowsOnX64Only() throws IOException {
        for (Path jar : List.of(AGENT, CLI)) {
            List<String> natives = entries(jar).stream()
                    .filter(e -> e.matches("com/sun/jna/[a-z0-9-]+/[^/]*(jnidispatch)[^/]*")).sorted().toList();
            assertEquals(List.of("com/sun/jna/linux-x86-64/libjnidispatch.so",
                    "com/sun/jna/win32-x86-64/jnidispatch.dll"), natives, jar.toString());
        }
    }

    @Test
    void theUsersJarCarriesNoJunit4() throws IOException {
        assertEquals(List.of(), entries(CLI).stream().filter(e -> e.startsWith("junit/")
                || e.startsWith("org/junit/")).limit(5).toList());
    }

    @Test
    void theAgentJarServesTheGuestsCommands() throws Exception {
        for (List<String> command : List.of(List.of("driver", "serve", "--help"), List.of("stress", "--help"))) {
            ProcessBuilder pb = new ProcessBuilder(javaBinary(), "-jar", AGENT.toString());
            pb.command().addAll(command);
            pb.redirectErrorStream(true);
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "no answer from " + command);
            assertEquals(0, p.exitValue(), command + ": " + out);
            assertTrue(out.startsWith("Usage: xidlab " + command.get(0)), out);
        }
    }

    private static List<String> entries(Path jar) throws IOException {
        try (JarFile file = new JarFile(jar.toFile())) {
            return file.stream().map(ZipEntry::getName).toList();
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
