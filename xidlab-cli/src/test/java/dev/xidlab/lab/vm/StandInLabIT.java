package dev.xidlab.lab.vm;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xidlab.lab.runner.ContainerCommandRunner;
import dev.xidlab.lab.runner.ProcessCommandRunner;
import dev.xidlab.verdict.MatrixSummary;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The VM lab's host side with vagrant in a locally built container through Testcontainers, against a real
 * hypervisor: the field configuration and skip-paging-io on the stand-in guest. The guest's model really
 * bugchecks, its Linux kernel really panics and reboots, and the host sees it through the panic device and finds
 * the dump after the reboot, as on Windows. Vagrant on the host runs the same loop eight times and more, with the
 * user's driver packages swapped in, in
 * {@link ForeignDriverStandInIT}.
 *
 * <p>It needs libvirtd, vagrant with vagrant-libvirt, the stand-in box and a Docker engine with the locally built
 * vagrant image (scripts/test.sh provides them); without them it skips and says which is missing. It destroys the
 * machine it made.
 */
class StandInLabIT {

    private static final String IMAGE = System.getenv().getOrDefault("XIDLAB_VAGRANT_IMAGE",
            "xidlab/vagrant-libvirt:local");

    @BeforeAll
    static void aHypervisorVagrantAndTheBox() {
        StandInFixture.assumeHypervisorVagrantAndTheBox("dockerd");
    }

    @Test
    void theFieldConfigurationCrashesAndSkipPagingIoSurvivesWithVagrantInALocallyBuiltContainer() throws Exception {
        assumeTrue(StandInFixture.runs(new ProcessCommandRunner(), List.of("docker", "image", "inspect", IMAGE)),
                "no Docker engine or no image " + IMAGE + " (scripts/build-vagrant-image.sh builds it;"
                        + " bash scripts/test.sh starts dockerd and builds it)");
        Path home = StandInFixture.HOME;
        ContainerCommandRunner container = new ContainerCommandRunner(IMAGE, new ContainerCommandRunner.Mounts(home,
                home.resolve("vagrant/standin"), Path.of(System.getProperty("user.home"), ".vagrant.d"),
                Optional.empty(), Map.of()));
        VagrantLab lab = StandInFixture.lab(container, "xidlab-it-container-");
        Path report = StandInFixture.reportDir("container");

        MatrixSummary summary = StandInFixture.matrix(lab, 1, report);

        StandInFixture.assertFieldCrashesAndTheFixSurvives(summary, 1, lab, report);
    }
}
