package dev.xidlab.lab;

import static dev.xidlab.lab.ScriptedVagrant.failed;
import static dev.xidlab.lab.ScriptedVagrant.ok;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xidlab.device.KernelModel;
import dev.xidlab.matrix.DefaultPlan;
import dev.xidlab.matrix.MatrixSession;
import dev.xidlab.matrix.PlainProgress;
import dev.xidlab.matrix.ResultsFile;
import dev.xidlab.matrix.Role;
import dev.xidlab.matrix.RunRecord;
import dev.xidlab.matrix.Shard;
import dev.xidlab.stress.Budget;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The default plan on the VM lab, unchanged, with a kernel-model machine standing in for the guest behind a
 * scripted Vagrant: its driver answers the host's requests, its load runs with the configuration the host saved, and
 * when it bugchecks the guest "reboots" with the model's real-format minidump in its Minidump directory. What is
 * under test is everything on the host side: the matrix, the VM lab, the evidence fetched and its attribution.
 */
class MatrixOnVagrantLabTest {

    private static final Pattern NUMBER = Pattern.compile("--(seed|operations) (\\d+)");

    @TempDir
    Path dir;

    private Path home;
    private Path serviceKey;
    private Path guestMinidumps;
    private Instant guestBoot = Instant.parse("2026-11-25T07:00:00Z");

    @BeforeEach
    void aCheckoutAndAGuest() throws Exception {
        assumeTrue(KernelModel.unavailableReason().isEmpty(), () -> KernelModel.unavailableReason().get());
        home = ScriptedVagrant.builtCheckout(dir);
        serviceKey = dir.resolve("guest-service-key.bin");
        guestMinidumps = Files.createDirectories(dir.resolve("guest-minidump"));
        System.setProperty("xidlab.sim.state", serviceKey.toString());
    }

    @AfterEach
    void restore() {
        System.clearProperty("xidlab.sim.state");
    }

    /** The guest's `xidlab stress --lab local --as-configured`: the model machine with the saved configuration. */
    private CommandResult guestLoad(String script) {
        long seed = 1;
        long operations = 20_000;
        Matcher m = NUMBER.matcher(script);
        while (m.find()) {
            if (m.group(1).equals("seed")) {
                seed = Long.parseLong(m.group(2));
            } else {
                operations = Long.parseLong(m.group(2));
            }
        }
        try (KernelModel machine = new KernelModel()) {
            machine.boot(guestMinidumps);
            machine.loadServiceKey(serviceKey);
            machine.loadDriver();
            KernelModel.BatchResult r = machine.runBatch(DefaultPlan.stress().withBudget(Budget.ofOperations(
                    operations)), operations, seed);
            if (r.bugchecked()) {
                guestBoot = guestBoot.plus(Duration.ofMinutes(3));
                return failed(255, "Connection to 192.168.121.40 closed by remote host.");
            }
            return ok("{\"outcome\":\"survived\",\"operations\":" + r.operations() + "}");
        }
    }

    /** The guest's minidumps as the lab's PowerShell lists them; each is listed once (the next run's boot is later). */
    private CommandResult guestMinidumpListing() {
        StringBuilder listing = new StringBuilder();
        try (Stream<Path> dumps = Files.list(guestMinidumps)) {
            for (Path dump : dumps.toList()) {
                listing.append(dump.getFileName()).append(' ')
                        .append(Base64.getEncoder().encodeToString(Files.readAllBytes(dump))).append("\r\n");
                Files.delete(dump);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return ok(listing.toString());
    }

    private ScriptedVagrant guest() {
        return ScriptedVagrant.readyHost()
                .always("LastBootUpTime", d -> ok(guestBoot + "\r\n"))
                .always("stress --lab local", this::guestLoad)
                .always("Minidump", d -> guestMinidumpListing())
                .always("wevtutil qe System", ok(""))
                .always("fltmc unload", ok(""))
                .withModelDriverInGuest();
    }

    @Test
    void theDefaultPlanRunsUnchangedAndTheGuestsReEntryCrashIsAttributedFromItsFetchedDump() throws Exception {
        VagrantLab lab = new VagrantLab(new VagrantLab.Setup(home, "xidlab/windows", dir.resolve("kvm"),
                Duration.ofMinutes(5)), guest(), d -> { }, Clock.fixed(Instant.parse("2026-11-25T08:00:00Z"),
                ZoneOffset.UTC));
        Path report = dir.resolve("report");

        MatrixSession.run(DefaultPlan.plan().withRuns(2), lab, report, Shard.WHOLE, null, "xidfilter.sys",
                new PlainProgress(new PrintWriter(new StringWriter(), true)));

        List<RunRecord> runs = ResultsFile.read(report.resolve(MatrixSession.RESULTS)).runs();
        assertEquals(10, runs.size());
        for (RunRecord r : runs) {
            if (r.role() == Role.BASELINE) {
                assertEquals(RunRecord.Outcome.BUGCHECKED, r.outcome(), r.toString());
                RunRecord.Crash crash = r.crash().orElseThrow();
                assertEquals("0x1000007F", crash.bugcheck());
                assertEquals("0x8", crash.parameters().get(0));
                assertTrue(crash.reentry(), "attributed to xidfilter.sys from the fetched dump");
                assertTrue(Files.isRegularFile(report.resolve(crash.dump().orElseThrow())), crash.toString());
            } else {
                assertEquals(RunRecord.Outcome.SURVIVED, r.outcome(), r.config() + ": " + r);
            }
        }
    }
}
