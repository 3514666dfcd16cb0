package dev.xidlab.lab.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xidlab.crash.CrashAnalyzer;
import dev.xidlab.device.ModelOptions;
import dev.xidlab.lab.runner.CommandResult;
import dev.xidlab.lab.runner.CommandRunner;
import dev.xidlab.lab.runner.ProcessCommandRunner;
import dev.xidlab.matrix.MatrixSession;
import dev.xidlab.plan.Plan;
import dev.xidlab.plan.PlanReader;
import dev.xidlab.plan.Shard;
import dev.xidlab.run.PlainProgress;
import dev.xidlab.verdict.ConfigResult;
import dev.xidlab.verdict.MatrixSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What the stand-in guest's integration tests share: the tools they need (or a visible skip), a VM lab of their
 * own Vagrant state, and a matrix whose report is kept under target/it-reports/NAME (results.jsonl, each run's
 * evidence, the lab's trace), printed at the start and again with every lab error's evidence on failure, so a red
 * CI is diagnosed from its log and files alone.
 */
final class StandInFixture {

    static final Path HOME = Path.of(System.getProperty("xidlab.projectDir", ".")).toAbsolutePath();
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

    private StandInFixture() {
    }

    /**
     * libvirtd, vagrant, the box and the packaged jar, all inside the test run's network namespace, or a skip that
     * says which is missing.
     */
    static void assumeHypervisorVagrantAndTheBox(String... daemons) {
        ProcessCommandRunner host = new ProcessCommandRunner();
        java.util.List<String> inside = new java.util.ArrayList<>(List.of("libvirtd"));
        inside.addAll(List.of(daemons));
        Optional<String> network = TestNetwork.whyNot(inside.toArray(String[]::new));
        assumeTrue(network.isEmpty(), () -> network.orElseThrow());
        assumeTrue(runs(host, List.of("virsh", "-c", "qemu:///system", "version")),
                "libvirtd is not reachable at qemu:///system (bash scripts/test.sh starts it)");
        CommandResult boxes = run(host, List.of("vagrant", "box", "list"));
        assumeTrue(boxes.succeeded(), "vagrant does not run here (apt-get install vagrant vagrant-libvirt)");
        assumeTrue(boxes.stdout().contains(StandInGuest.BOX + " "), "no " + StandInGuest.BOX + " box: build it with"
                + " scripts/build-standin-box.sh and vagrant box add (bash scripts/test.sh does both)");
        assumeTrue(Files.isRegularFile(HOME.resolve("target/xidlab-agent.jar")), "no target/xidlab-agent.jar: the lab uploads the"
                + " packaged jar (this test runs in mvn verify, after package)");
    }

    /** A VM lab with its own Vagrant state under target/, so a user's stand-in machine is never used or destroyed. */
    static VagrantLab lab(CommandRunner vagrant, String prefix) {
        return lab(vagrant, prefix, Duration.ofMinutes(10), ModelOptions.DEFAULTS);
    }

    /**
     * The same, a load given {@code loadGrace} past its budget before it is a hang, and the stand-in's kernel model
     * set up as a plan's model block says ({@link VagrantLab.Setup#withStandInModel}, as {@code xidlab matrix} does).
     */
    static VagrantLab lab(CommandRunner vagrant, String prefix, Duration loadGrace, ModelOptions model) {
        removeStaleDomain(prefix + "default");
        Path state = HOME.resolve("target/it-vagrant").resolve(prefix).resolve(".vagrant");
        VagrantLab.Setup setup = new VagrantLab.Setup(HOME, StandInGuest.BOX, true, Duration.ofMinutes(15),
                Duration.ofMinutes(30), loadGrace, Optional.empty(),
                Map.of("XIDLAB_DOMAIN_PREFIX", prefix, "VAGRANT_DOTFILE_PATH", state.toString()))
                .withStandInModel(model);
        return new VagrantLab(setup, vagrant, Libvirt.system(new ProcessCommandRunner()),
                () -> Acceleration.decide(System.getenv(Acceleration.OVERRIDE_VARIABLE), Path.of("/dev/kvm"),
                        "qemu-system-x86_64"));
    }

    /** The report directory of a test's matrix, emptied of an earlier run's, and said on stderr. */
    static Path reportDir(String name) throws IOException {
        Path report = HOME.resolve("target/it-reports").resolve(name);
        if (Files.exists(report)) {
            try (Stream<Path> files = Files.walk(report)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
        Files.createDirectories(report);
        System.err.println("stand-in test " + name + ": report and evidence in " + report);
        return report;
    }

    /** The field configuration and skip-paging-io, runs each, alternating: a crash, then a run on the rebooted guest. */
    static MatrixSummary matrix(VagrantLab lab, int runs, Path report) throws Exception {
        return matrix(lab, PlanReader.parse(String.format(PLAN, runs), "stand-in.yaml", false), report);
    }

    /**
     * A plan's matrix on the lab, after the doctor's guest list found nothing missing, and the machine destroyed
     * after it; every lab error is printed with its evidence.
     */
    static MatrixSummary matrix(VagrantLab lab, Plan plan, Path report) throws Exception {
        return matrix(lab, plan, report, false, booted -> { });
    }

    /** What a test does on the booted, checked guest before its matrix (on the same machine). */
    interface BeforeMatrix {
        void on(VagrantLab lab) throws Exception;
    }

    /** The same, adaptive or fixed, with a step of the test's own on the booted guest before the matrix. */
    static MatrixSummary matrix(VagrantLab lab, Plan plan, Path report, boolean adaptive, BeforeMatrix before)
            throws Exception {
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
                before.on(lab);
                MatrixSummary summary = MatrixSession.run(plan, lab, report, Shard.WHOLE,
                        MatrixSession.prepare(plan, lab, report, Shard.WHOLE, false), "xidfilter.sys", progress,
                        adaptive);
                printLabErrors(summary, report);
                return summary;
            } finally {
                lab.destroyMachine();
            }
        }
    }

    /** Every lab error with its evidence files, on stderr: what a red CI log must carry. */
    static void printLabErrors(MatrixSummary summary, Path report) throws IOException {
        for (MatrixSummary.LabError e : summary.labErrors()) {
            Path evidence = report.resolve(e.evidence());
            System.err.println("stand-in lab error " + e.run() + ": " + e.reason() + "\n  evidence: " + evidence);
            Path trace = evidence.resolve("lab-trace.log");
            if (Files.isRegularFile(trace)) {
                List<String> lines = Files.readAllLines(trace);
                lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(l -> System.err.println("  " + l));
            }
        }
    }

    /** The field configuration crashed every run with the re-entry, the fix survived every run, nothing else. */
    static void assertFieldCrashesAndTheFixSurvives(MatrixSummary summary, int runs, VagrantLab lab, Path report)
            throws Exception {
        ConfigResult field = summary.configs().get(0);
        ConfigResult fix = summary.configs().get(1);
        assertEquals(List.of(), summary.labErrors(), "lab errors (evidence under " + report + ")");
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
        try (Stream<Path> files = Files.walk(report.resolve("dumps"))) {
            dumps = files.filter(f -> f.toString().endsWith(".dmp")).toList();
        }
        assertEquals(runs, dumps.size(), dumps.toString());
        for (Path dump : dumps) {
            assertTrue(CrashAnalyzer.analyze(dump, "xidfilter.sys").reentry(), dump.toString());
        }
        assertTrue(summary.lab().contains(StandInGuest.NOTICE), summary.lab());
        assertTrue(Files.readString(report.resolve("report.md")).contains(StandInGuest.NOTICE));
    }

    /** A domain left by a run that was killed would block this one's name. */
    private static void removeStaleDomain(String name) {
        ProcessCommandRunner host = new ProcessCommandRunner();
        if (runs(host, List.of("virsh", "-c", "qemu:///system", "dominfo", name))) {
            run(host, List.of("virsh", "-c", "qemu:///system", "destroy", name));
            run(host, List.of("virsh", "-c", "qemu:///system", "undefine", name, "--remove-all-storage"));
        }
    }

    static boolean runs(CommandRunner runner, List<String> command) {
        try {
            return run(runner, command).succeeded();
        } catch (RuntimeException e) {
            return false;
        }
    }

    static CommandResult run(CommandRunner runner, List<String> command) {
        return runner.run(command, Path.of("/"), Duration.ofMinutes(2));
    }
}
