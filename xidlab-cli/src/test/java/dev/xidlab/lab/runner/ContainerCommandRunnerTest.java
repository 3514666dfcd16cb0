package dev.xidlab.lab.runner;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.xidlab.lab.LabUnavailableException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.ExecConfig;

/**
 * vagrant in a container image with vagrant-libvirt: how each command is exec'd. The image itself runs in
 * VagrantLabOnStandInTest (XIDLAB_VAGRANT=container), against the stand-in guest.
 */
class ContainerCommandRunnerTest {

    @TempDir
    Path dir;

    private ContainerCommandRunner runner(Map<String, String> environment, Optional<Path> msi) throws Exception {
        Path vagrant = Files.createDirectories(dir.resolve("checkout/vagrant"));
        return new ContainerCommandRunner("xidlab/vagrant-libvirt:local", new ContainerCommandRunner.Mounts(
                dir.resolve("checkout"), vagrant, dir.resolve("vagrant.d"), msi, environment));
    }

    @Test
    void aCommandRunsAsTheOwnerOfTheVagrantDirectoryNotAsTheContainersRoot() throws Exception {
        ContainerCommandRunner.Owner owner = ContainerCommandRunner.owner(dir);

        ExecConfig exec = runner(Map.of(), Optional.empty()).exec(List.of("vagrant", "status"),
                dir.resolve("checkout/vagrant"), Map.of(), Duration.ofMinutes(1));

        assertEquals(owner.uid() + ":" + owner.gid(), exec.getUser());
    }

    @Test
    void aCommandRunsInItsOwnDirectoryWhereVagrantFindsTheVagrantfile() throws Exception {
        ExecConfig exec = runner(Map.of(), Optional.empty()).exec(List.of("vagrant", "status"),
                dir.resolve("checkout/vagrant/standin"), Map.of(), Duration.ofMinutes(1));

        assertEquals(dir.resolve("checkout/vagrant/standin").toString(), exec.getWorkDir());
    }

    @Test
    void aCommandSeesTheBoxesDirectoryTheVagrantfilesSettingsAndItsOwnEnvironment() throws Exception {
        ExecConfig exec = runner(Map.of("XIDLAB_BOX", "xidlab/windows"), Optional.empty()).exec(
                List.of("vagrant", "up"), dir, Map.of("XIDLAB_LIBVIRT_DRIVER", "qemu"), Duration.ofMinutes(1));

        assertEquals("/.vagrant.d", exec.getEnvVars().get("VAGRANT_HOME"));
        assertEquals("qemu:///system", exec.getEnvVars().get("LIBVIRT_DEFAULT_URI"));
        assertEquals("xidlab/windows", exec.getEnvVars().get("XIDLAB_BOX"));
        assertEquals("qemu", exec.getEnvVars().get("XIDLAB_LIBVIRT_DRIVER"));
    }

    @Test
    void aJreInstallerOnTheHostIsNamedByItsPathInsideTheContainer() throws Exception {
        Path msi = Files.writeString(dir.resolve("jre.msi"), "msi");

        ExecConfig exec = runner(Map.of(), Optional.of(msi)).exec(List.of("vagrant", "up"), dir, Map.of(),
                Duration.ofMinutes(1));

        assertEquals("/xidlab-guest-jre.msi", exec.getEnvVars().get("XIDLAB_GUEST_JRE_MSI"));
    }

    @Test
    void aCommandIsBoundedByTimeoutInsideTheContainer() throws Exception {
        ExecConfig exec = runner(Map.of(), Optional.empty()).exec(List.of("vagrant", "box", "list"), dir, Map.of(),
                Duration.ofMinutes(2));

        assertArrayEquals(new String[] {"timeout", "--kill-after=10", "120", "vagrant", "box", "list"},
                exec.getCommand());
    }

    @Test
    void theTimeoutWrapperStopsAHungCommandWithTheStatusTheRunnerReadsAsTimedOut() {
        List<String> wrapped = ContainerCommandRunner.inContainer(List.of("sleep", "30"), Duration.ofSeconds(1));

        CommandResult r = new ProcessCommandRunner().run(wrapped, dir, Duration.ofSeconds(30));

        assertEquals(124, r.exitCode());
    }

    @Test
    void withoutADockerEngineTheContainerRunnerIsUnavailableAndSaysWhatToDo() throws Exception {
        assumeFalse(ContainerCommandRunner.dockerAvailable(), "a Docker engine is reachable here");
        ContainerCommandRunner runner = runner(Map.of(), Optional.empty());

        LabUnavailableException e = assertThrows(LabUnavailableException.class,
                () -> runner.run(List.of("vagrant", "--version"), dir, Duration.ofMinutes(1)));

        assertTrue(e.getMessage().startsWith("no Docker engine is reachable"), e.getMessage());
    }
}
