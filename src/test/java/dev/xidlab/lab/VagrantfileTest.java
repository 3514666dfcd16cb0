package dev.xidlab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The guest's Vagrantfile is one Vagrant and vagrant-libvirt accept, every provider option included. */
class VagrantfileTest {

    static final Path VAGRANT_DIR = Path.of(System.getProperty("xidlab.projectDir", "."), "vagrant");

    static String run(String... command) throws Exception {
        return run(java.util.Map.of(), command);
    }

    static String run(java.util.Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(VAGRANT_DIR.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "vagrant finished");
        return p.exitValue() + "\n" + out;
    }

    static boolean vagrantInstalled() {
        for (String d : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(d, "vagrant"))) {
                return true;
            }
        }
        return false;
    }

    @Test
    void vagrantValidatesTheGuestDefinition() throws Exception {
        assumeTrue(vagrantInstalled(), "vagrant is not installed (apt-get install vagrant vagrant-libvirt)");
        assumeTrue(run("vagrant", "plugin", "list").contains("vagrant-libvirt"),
                "the vagrant-libvirt plugin is not installed: its provider options cannot be checked");

        String result = run("vagrant", "validate");

        assertEquals("0", result.lines().findFirst().orElse(""), result);
        assertTrue(result.contains("Vagrantfile validated successfully"), result);
    }

    @Test
    void aJreInstallerFromTheHostIsAValidFileProvisioner(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        assumeTrue(vagrantInstalled(), "vagrant is not installed (apt-get install vagrant vagrant-libvirt)");
        assumeTrue(run("vagrant", "plugin", "list").contains("vagrant-libvirt"),
                "the vagrant-libvirt plugin is not installed: its provider options cannot be checked");
        Path msi = Files.writeString(dir.resolve("jre.msi"), "not really an MSI");

        String result = run(java.util.Map.of("XIDLAB_GUEST_JRE_MSI", msi.toString()), "vagrant", "validate");

        assertEquals("0", result.lines().findFirst().orElse(""), result);
    }
}
