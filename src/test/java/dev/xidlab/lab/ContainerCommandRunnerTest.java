package dev.xidlab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** vagrant in vagrant-libvirt's container image: how a command is wrapped, and what happens with or without Docker. */
class ContainerCommandRunnerTest {

    @TempDir
    Path dir;

    @Test
    void aCommandIsWrappedToRunInItsDirectoryUnderATimeout() {
        List<String> exec = ContainerCommandRunner.inContainer(List.of("vagrant", "box", "list"), dir,
                Duration.ofMinutes(2));

        assertEquals(List.of("timeout", "--kill-after=10", "120", "sh", "-c", "cd \"$1\" && shift && exec \"$@\"",
                "xidlab", dir.toString(), "vagrant", "box", "list"), exec);
    }

    @Test
    void theWrapperRunsTheCommandInItsDirectoryWithItsArgumentsIntact() {
        List<String> exec = ContainerCommandRunner.inContainer(List.of("sh", "-c", "pwd; printf '%s|' \"$@\"", "x",
                "a b", "$HOME"), dir, Duration.ofSeconds(30));

        CommandResult r = new ProcessCommandRunner().run(exec, Path.of("/"), Duration.ofSeconds(30));

        assertEquals(dir + "\na b|$HOME|", r.stdout());
    }

    @Test
    void theWrappersTimeoutStopsAHungCommandWithTheStatusTheRunnerReadsAsTimedOut() {
        List<String> exec = ContainerCommandRunner.inContainer(List.of("sleep", "30"), dir, Duration.ofSeconds(1));

        CommandResult r = new ProcessCommandRunner().run(exec, dir, Duration.ofSeconds(30));

        assertEquals(124, r.exitCode());
    }

    @Test
    void withoutADockerEngineTheContainerRunnerIsUnavailableAndSaysWhatToDo() {
        assumeFalse(ContainerCommandRunner.dockerAvailable(), "a Docker engine is reachable here");
        ContainerCommandRunner runner = new ContainerCommandRunner(ContainerCommandRunner.DEFAULT_IMAGE, dir, dir,
                Map.of());

        LabUnavailableException e = assertThrows(LabUnavailableException.class,
                () -> runner.run(List.of("vagrant", "--version"), dir, Duration.ofMinutes(1)));

        assertEquals("no Docker engine is reachable for the vagrant-libvirt container (start Docker, or unset"
                + " XIDLAB_VAGRANT to use the host's vagrant)", e.getMessage());
    }

    @Test
    void theImagesVagrantHasTheLibvirtProvider() {
        assumeTrue(ContainerCommandRunner.dockerAvailable(),
                "no Docker engine here (the docker client is installed, the daemon is not): the image cannot run");
        try (ContainerCommandRunner runner = new ContainerCommandRunner(ContainerCommandRunner.DEFAULT_IMAGE, dir,
                dir.resolve("vagrant.d"), Map.of())) {
            CommandResult r = runner.run(List.of("vagrant", "plugin", "list"), dir, Duration.ofMinutes(5));

            assertTrue(r.succeeded(), r.stderr());
            assertTrue(r.stdout().contains("vagrant-libvirt"), r.stdout());
        }
    }
}
