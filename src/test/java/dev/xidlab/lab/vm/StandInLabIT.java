package dev.xidlab.lab.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xidlab.crash.CrashAnalyzer;
import dev.xidlab.lab.CommandResult;
import dev.xidlab.lab.CommandRunner;
import dev.xidlab.lab.ContainerCommandRunner;
import dev.xidlab.lab.ProcessCommandRunner;
import dev.xidlab.matrix.ConfigResult;
import dev.xidlab.matrix.MatrixSession;
import dev.xidlab.matrix.MatrixSummary;
import dev.xidlab.matrix.PlainProgress;
import dev.xidlab.matrix.Plan;
import dev.xidlab.matrix.PlanReader;
import dev.xidlab.matrix.Shard;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VM lab's host side against a real hypervisor: a matrix (the field configuration and skip-paging-io) on the
 * stand-in guest through real Vagrant, vagrant-libvirt, libvirt and QEMU, and again with vagrant in a container
 * through Testcontainers. The guest's model really bugchecks, the guest's Linux kernel really panics and reboots,
 * and the host must see it through the panic device and find the dump after the reboot, as on Windows.
 *
 * <p>It needs libvirtd, vagrant with vagrant-libvirt and the stand-in box (scripts/test.sh provides all three,
 * and a Docker engine with the locally built vagrant image for the container half); without them it skips and
 * says which is missing. Each test destroys the machine it made.
 */
class StandInLabIT {

    private static final Path HOME = Path.of(System.getProperty("xidlab.projectDir", ".")).toAbsolutePath();
    private static final String IMAGE = System.getenv().getOrDefault("XIDLAB_VAGRANT_IMAGE",
            "xidlab/vagrant-libvirt:local");
    private static final String PLAN = String.join("\n",
            "name: stand-in",
            "runs: %d",
            "seed: 1",
            "threshold: 0.1",
            "stress: {workers: 4, processes: 32, pressure: high, operations: 20000}",
            "configurations:",
            "  - {name: field, role: baseline, mode: lookup}",
            "  - {name: skip-paging-io, mode: lookup, skip: skip-paging-io}",
            "");

    @TempDir
    Path dir;

    @BeforeAll
    static void aHypervisorVagrantAndTheBox() {
        ProcessCommandRunner host = new ProcessCommandRunner();
        assumeTrue(runs(host, List.of("virsh", "-c", "qemu:///system", "version")),
                "libvirtd is not reachable at qemu:///system (bash scripts/test.sh starts it)");
        CommandResult boxes = run(host, List.of("vagrant", "box", "list"));
        assumeTrue(boxes.succeeded(), "vagrant does not run here (apt-get install vagrant vagrant-libvirt)");
        assumeTrue(boxes.stdout().contains(StandInGuest.BOX + " "), "no " + StandInGuest.BOX + " box: build it with"
                + " scripts/build-standin-box.sh and vagrant box add (bash scripts/test.sh does both)");
        assumeTrue(Files.isRegularFile(HOME.resolve("target/xidlab.jar")), "no target/xidlab.jar: the lab uploads the"
                + " packaged jar (this test runs in mvn verify, after package)");
    }

    @Test
    void theFieldConfigurationCrashesTheStandInAndSkipPagingIoSurvivesThroughRealVagrant() throws Exception {
        VagrantLab lab = lab(new ProcessCommandRunner(), "xidlab-it-host-");
        MatrixSummary summary = matrix(lab, 2);

        assertMatrix(summary, 2, lab);
    }

    @Test
    void theSameMatrixRunsWithVagrantInALocallyBuiltContainerThroughTestcontainers() throws Exception {
        assumeTrue(runs(new ProcessCommandRunner(), List.of("docker", "image", "inspect", IMAGE)),
                "no Docker engine or no image " + IMAGE + " (scripts/build-vagrant-image.sh builds it;"
                        + " bash scripts/test.sh starts dockerd and builds it)");
        ContainerCommandRunner container = new ContainerCommandRunner(IMAGE, new ContainerCommandRunner.Mounts(HOME,
                HOME.resolve("vagrant/standin"), Path.of(System.getProperty("user.home"), ".vagrant.d"),
                Optional.empty(), Map.of()));
        VagrantLab lab = lab(container, "xidlab-it-container-");
        MatrixSummary summary = matrix(lab, 1);

        assertMatrix(summary, 1, lab);
    }

    private VagrantLab lab(CommandRunner vagrant, String prefix) {
        removeStaleDomain(prefix + "default");
        // Its own Vagrant state (under target/, which the container mounts too), so a user's stand-in machine in
        // vagrant/standin/.vagrant is neither used nor destroyed by the test.
        Path state = HOME.resolve("target/it-vagrant").resolve(prefix).resolve(".vagrant");
        VagrantLab.Setup setup = new VagrantLab.Setup(HOME, StandInGuest.BOX, true, Duration.ofMinutes(15),
                Duration.ofMinutes(30), Duration.ofMinutes(10), Optional.empty(),
                Map.of("XIDLAB_DOMAIN_PREFIX", prefix, "VAGRANT_DOTFILE_PATH", state.toString()));
        return new VagrantLab(setup, vagrant, Libvirt.system(new ProcessCommandRunner()),
                () -> Acceleration.decide(System.getenv(Acceleration.OVERRIDE_VARIABLE), Path.of("/dev/kvm"),
                        "qemu-system-x86_64"));
    }

    private MatrixSummary matrix(VagrantLab lab, int runs) throws Exception {
        Plan plan = PlanReader.parse(String.format(PLAN, runs), "stand-in.yaml", false);
        Path report = dir.resolve("report");
        try (lab; PlainProgress progress = new PlainProgress(new PrintWriter(System.err, true))) {
            try {
                lab.boot();
                // The doctor's guest list on the real guest: everything the lab needs is there, or it says why not.
                List<LabDoctor.Finding> guest = lab.doctorGuest();
                assertTrue(guest.stream().noneMatch(f -> f.status() == LabDoctor.Finding.Status.FAIL
                        || f.status() == LabDoctor.Finding.Status.SKIPPED), guest.toString());
                // The guest runs the box the cache holds, and both say what it is made of.
                LabDoctor.Finding inGuest = guest.stream().filter(f -> f.check().equals("manifest in the guest"))
                        .findFirst().orElseThrow();
                LabDoctor.Finding inCache = LabDoctor.cachedManifest(StandInManifest.cacheDir(System.getenv(),
                        Path.of(System.getProperty("user.home"))));
                assertEquals(LabDoctor.Finding.Status.OK, inGuest.status(), inGuest.detail());
                assertTrue(inCache.detail().startsWith(inGuest.detail() + " ("), inCache + " / " + inGuest);
                return MatrixSession.run(plan, lab, report, Shard.WHOLE, null, "xidfilter.sys", progress, false);
            } finally {
                lab.destroyMachine();
            }
        }
    }

    private void assertMatrix(MatrixSummary summary, int runs, VagrantLab lab) throws Exception {
        ConfigResult field = summary.configs().get(0);
        ConfigResult fix = summary.configs().get(1);
        assertEquals(List.of(runs, runs, runs, 0), List.of(field.runs(), field.crashes(), field.reentryCrashes(),
                field.labErrors()), "field: " + field.reason());
        assertEquals(List.of(runs, 0, 0, 0), List.of(fix.runs(), fix.crashes(), fix.hangs(), fix.labErrors()),
                "skip-paging-io: " + fix.reason());
        // Every crash was seen by the hypervisor first (not by a dead session), and came back without its marker.
        assertEquals(runs, lab.crashSightings().size());
        assertTrue(lab.crashSightings().stream().allMatch(s -> s.signal() == VagrantLab.Signal.PANIC_DEVICE),
                lab.crashSightings().toString());
        // The dumps fetched from the rebooted guest are the model's, read by the same collector as any dump.
        List<Path> dumps;
        try (Stream<Path> files = Files.walk(dir.resolve("report/dumps"))) {
            dumps = files.filter(f -> f.toString().endsWith(".dmp")).toList();
        }
        assertEquals(runs, dumps.size(), dumps.toString());
        for (Path dump : dumps) {
            assertTrue(CrashAnalyzer.analyze(dump, "xidfilter.sys").reentry(), dump.toString());
        }
        assertTrue(summary.lab().contains(StandInGuest.NOTICE), summary.lab());
        assertTrue(Files.readString(dir.resolve("report/report.md")).contains(StandInGuest.NOTICE));
    }

    /** A domain left by a run that was killed would block this one's name. */
    private static void removeStaleDomain(String name) {
        ProcessCommandRunner host = new ProcessCommandRunner();
        if (runs(host, List.of("virsh", "-c", "qemu:///system", "dominfo", name))) {
            run(host, List.of("virsh", "-c", "qemu:///system", "destroy", name));
            run(host, List.of("virsh", "-c", "qemu:///system", "undefine", name, "--remove-all-storage"));
        }
    }

    private static boolean runs(CommandRunner runner, List<String> command) {
        try {
            return run(runner, command).succeeded();
        } catch (RuntimeException e) {
            return false;
        }
    }

    private static CommandResult run(CommandRunner runner, List<String> command) {
        return runner.run(command, Path.of("/"), Duration.ofMinutes(2));
    }
}
