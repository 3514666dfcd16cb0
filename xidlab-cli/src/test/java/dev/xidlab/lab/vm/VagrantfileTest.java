package dev.xidlab.lab.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xidlab.testing.HostTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guests' Vagrantfiles as Vagrant itself reads them: {@code vagrant validate} with vagrant-libvirt's
 * provider options, and the settings a machine would be created with, asked through Vagrant's own API
 * (effective-config.rb), not read as text.
 */
class VagrantfileTest {

    static final Path PROJECT = Path.of(System.getProperty("xidlab.projectDir", ".")).toAbsolutePath();
    static final Path WINDOWS = PROJECT.resolve("vagrant");
    static final Path STANDIN = PROJECT.resolve("vagrant/standin");
    private static final Path EFFECTIVE = PROJECT.resolve("fixtures/vagrant/effective-config.rb");

    @BeforeAll
    static void vagrantWithItsLibvirtProvider() throws Exception {
        assumeTrue(HostTools.onPath("vagrant") && HostTools.onPath("ruby"), "vagrant is not installed (apt-get install vagrant vagrant-libvirt)");
        assumeTrue(run(WINDOWS, Map.of(), "vagrant", "plugin", "list").contains("vagrant-libvirt"),
                "the vagrant-libvirt plugin is not installed: its provider options cannot be checked");
    }

    static String run(Path dir, Map<String, String> env, String... command) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(false);
        pb.environment().putAll(env);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "vagrant finished");
        return p.exitValue() + "\n" + out;
    }

    private static JsonNode effective(Path dir, Map<String, String> env) throws Exception {
        String out = run(dir, env, "ruby", EFFECTIVE.toString());
        assertTrue(out.startsWith("0\n"), out);
        return new ObjectMapper().readTree(out.substring(2));
    }

    @Test
    void vagrantValidatesTheWindowsGuestUnderKvmAndOnTheSoftwareCpu() throws Exception {
        for (String driver : List.of("kvm", "qemu")) {
            String result = run(WINDOWS, Map.of("XIDLAB_LIBVIRT_DRIVER", driver), "vagrant", "validate");

            assertTrue(result.startsWith("0\n") && result.contains("validated successfully"), driver + ": " + result);
        }
    }

    @Test
    void vagrantValidatesTheStandInGuest() throws Exception {
        String result = run(STANDIN, Map.of("XIDLAB_LIBVIRT_DRIVER", "qemu"), "vagrant", "validate");

        assertTrue(result.startsWith("0\n") && result.contains("validated successfully"), result);
    }

    @Test
    void theWindowsGuestIsReachedWithTheWinsshCommunicatorWhoseProvisionersArePowerShell() throws Exception {
        assertEquals("winssh", effective(WINDOWS, Map.of()).get("communicator").asText());
    }

    @Test
    void vagrantDoesNotReplaceTheWindowsGuestsKeyWhereWindowsOpenSshWouldIgnoreIt() throws Exception {
        assertFalse(effective(WINDOWS, Map.of()).get("insert_key").asBoolean());
    }

    @Test
    void theMachineTypeIsTheBoxsNotForcedToQ35() throws Exception {
        assertTrue(effective(WINDOWS, Map.of()).get("machine_type").isNull());
    }

    @Test
    void hyperVEnlightenmentsAreAskedForOnlyUnderKvm() throws Exception {
        JsonNode kvm = effective(WINDOWS, Map.of("XIDLAB_LIBVIRT_DRIVER", "kvm"));
        JsonNode tcg = effective(WINDOWS, Map.of("XIDLAB_LIBVIRT_DRIVER", "qemu"));

        assertEquals(List.of("kvm", "qemu"), List.of(kvm.get("driver").asText(), tcg.get("driver").asText()));
        assertEquals("[\"relaxed\",\"vapic\",\"spinlocks\"]", kvm.get("hyperv_features").toString());
        assertEquals("[]", tcg.get("hyperv_features").toString());
    }

    @Test
    void provisioningEndsWithTheSentinelTheLabLooksForAfterTheTestSigningReboot() throws Exception {
        assertEquals("[\"guest-setup\",\"reboot-for-test-signing\",\"provisioned\"]",
                effective(WINDOWS, Map.of()).get("provisioners").toString());
    }

    @Test
    void theGuestsSizeAndTheDomainsNameComeFromTheEnvironment() throws Exception {
        JsonNode standIn = effective(STANDIN, Map.of("XIDLAB_GUEST_MEMORY", "1536", "XIDLAB_GUEST_CPUS", "1",
                "XIDLAB_DOMAIN_PREFIX", "xidlab-it-"));

        assertEquals(List.of("xidlab/standin-linux", "1536", "1", "xidlab-it-"), List.of(standIn.get("box").asText(),
                standIn.get("memory").asText(), standIn.get("cpus").asText(), standIn.get("default_prefix").asText()));
    }

    @Test
    void aJreInstallerFromTheHostIsAValidFileProvisionerThatRunsFirst(@TempDir Path dir) throws Exception {
        Path msi = Files.writeString(dir.resolve("jre.msi"), "not really an MSI");

        String result = run(WINDOWS, Map.of("XIDLAB_GUEST_JRE_MSI", msi.toString()), "vagrant", "validate");
        JsonNode config = effective(WINDOWS, Map.of("XIDLAB_GUEST_JRE_MSI", msi.toString()));

        assertTrue(result.startsWith("0\n"), result);
        assertEquals("jre-msi", config.get("provisioners").get(0).asText());
        assertNull(config.get("default_prefix").textValue());
    }
}
