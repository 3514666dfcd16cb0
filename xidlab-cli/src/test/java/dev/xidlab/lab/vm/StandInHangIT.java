package dev.xidlab.lab.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.device.ModelOptions;
import dev.xidlab.lab.runner.ProcessCommandRunner;
import dev.xidlab.matrix.MatrixSession;
import dev.xidlab.plan.Plan;
import dev.xidlab.plan.PlanReader;
import dev.xidlab.run.ResultsFile;
import dev.xidlab.run.RunRecord;
import dev.xidlab.verdict.ConfigResult;
import dev.xidlab.verdict.MatrixSummary;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A hang for real on a real hypervisor. The plan's model block makes the stand-in guest's kernel model deadlock
 * (same-thread-fault=wait: a thread waits for the in-page read it must itself finish), and the guest's load holds
 * that hang as a hung machine would: it answers nothing and never finishes while the guest's kernel runs on, having
 * written and synced the dump an NMI leaves of the hung machine. The host sees the load's bound pass, sends the guest
 * an NMI through libvirt, the guest's kernel panics on it (the box boots with kernel.unknown_nmi_panic=1), its panic
 * device stops it, the lab resumes it, it reboots, and the lab collects its evidence and fetches the dump: the run is
 * hung, with the NMI's bugcheck and the stack where the thread was stuck, and no lab error. Vagrant runs on the host,
 * as in {@link ForeignDriverStandInIT}; it skips, saying why, where libvirtd, vagrant or the box is missing.
 */
class StandInHangIT {

    /** The load's bound: its operations budget has no time, so the grace alone (the model hangs within seconds). */
    private static final Duration GRACE = Duration.ofMinutes(3);
    private static final String PLAN = String.join("\n",
            "name: stand-in-hang",
            "runs: 1",
            "seed: 1",
            "threshold: 0.1",
            "stress: {workers: 4, processes: 32, pressure: high, operations: 20000}",
            "model: {sameThreadFault: wait}",
            "configurations:",
            "  - {name: field, role: baseline, mode: lookup}",
            "");

    @BeforeAll
    static void aHypervisorVagrantAndTheBox() {
        StandInFixture.assumeHypervisorVagrantAndTheBox();
    }

    @Test
    void aDeadlockedLoadIsSentAnNmiAndItsRunIsHungWithTheDumpOfTheGuestsReboot() throws Exception {
        Plan plan = PlanReader.parse(PLAN, "stand-in-hang.yaml", false);
        assertEquals(ModelOptions.SameThreadFault.WAIT, plan.model().sameThreadFault());
        VagrantLab lab = StandInFixture.lab(new ProcessCommandRunner(), "xidlab-it-hang-", GRACE, plan.model());
        Path report = StandInFixture.reportDir("hang");

        MatrixSummary summary = StandInFixture.matrix(lab, plan, report);

        assertEquals(List.of(), summary.labErrors(), "lab errors (evidence under " + report + ")");
        ConfigResult field = summary.configs().get(0);
        assertEquals(List.of(1, 0, 1, 0), List.of(field.runs(), field.crashes(), field.hangs(), field.labErrors()),
                "field: " + field.reason());
        RunRecord run = ResultsFile.read(report.resolve(MatrixSession.RESULTS)).runs().get(0);
        RunRecord.Hang hang = run.hang().orElseThrow();
        // The guest still answered at the bound (its kernel ran on), the NMI panicked it, and it came back.
        assertTrue(hang.reason().startsWith("the load did not finish within its bound of " + GRACE.toSeconds()
                + " s while the guest still answered; an NMI was sent: the hypervisor's panic device fired, and the"
                + " guest answered rebooted "), hang.reason());
        assertEquals(GRACE.toMillis(), hang.boundMillis());
        // The dump the guest listed after its reboot: the NMI's bugcheck, the hung thread's stack in the filter.
        RunRecord.Crash nmi = hang.forced().orElseThrow(() -> new AssertionError("no dump: " + hang.reason()));
        assertEquals("0x00000080", nmi.bugcheck(), nmi.stop());
        assertTrue(Files.isRegularFile(report.resolve(nmi.dump().orElseThrow())), nmi.dump().toString());
        List<String> stack = nmi.analysis().orElseThrow().stack();
        assertTrue(stack.stream().anyMatch(f -> f.startsWith("xidfilter.sys+")), stack.toString());
        // The rest of the evidence: what the load said before the NMI, and the guest's console through its panic.
        Path evidence = report.resolve(run.slot().evidencePath());
        List<Path> logs;
        try (Stream<Path> files = Files.list(evidence)) {
            logs = files.filter(f -> f.getFileName().toString().matches("run-\\p{XDigit}+\\.log")).toList();
        }
        assertEquals(1, logs.size(), "the load's log in " + evidence);
        assertTrue(Files.readString(logs.get(0)).contains("the kernel model hung"), Files.readString(logs.get(0)));
        String console = Files.readString(evidence.resolve("console.log"));
        assertTrue(console.contains("NMI"), "the guest's kernel took the NMI: " + console);
        // Every report says the hang is the stand-in's modelled one.
        assertTrue(summary.lab().contains("the stand-in's modelled hang"), summary.lab());
        assertTrue(Files.readString(report.resolve("report.md")).contains("the stand-in's modelled hang"));
    }
}
