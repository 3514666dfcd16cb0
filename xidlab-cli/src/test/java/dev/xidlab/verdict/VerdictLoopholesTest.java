package dev.xidlab.verdict;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xidlab.cli.CliRun;
import dev.xidlab.command.ExitCode;
import dev.xidlab.device.KernelModel;
import dev.xidlab.json.Json;
import dev.xidlab.matrix.MatrixSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Ways to get CONFIRMED (exit 0) for a fix that does not hold, each as a user would try it with the CLI on the
 * kernel model, and each closed: the process around the statistics, not the statistics.
 */
class VerdictLoopholesTest {

    @TempDir
    Path dir;

    @BeforeEach
    void needsTheModel() {
        assumeTrue(KernelModel.unavailableReason().isEmpty(), () -> KernelModel.unavailableReason().get());
    }

    private Path plan(String yaml) throws Exception {
        Path plan = dir.resolve("plan-" + Integer.toHexString(yaml.hashCode()) + ".yaml");
        Files.writeString(plan, yaml);
        return plan;
    }

    private static JsonNode config(JsonNode summary, String name) {
        for (JsonNode c : summary.get("configs")) {
            if (c.get("name").asText().equals(name)) {
                return c;
            }
        }
        throw new AssertionError("no configuration " + name + " in " + summary);
    }

    /** The baseline's own driver as a "fix", under the field plan's load: it crashes in about one run in five. */
    static final String UNFIXED = """
            name: unfixed
            runs: 120
            seed: 1
            threshold: 0.05
            stress: {workers: 4, processes: 64, pressure: aging-high, operations: 20000}
            configurations:
              - {name: field, role: baseline, mode: lookup}
              - {name: unfixed, mode: lookup}
            """;

    @Test
    void aCrashWhoseDumpCannotBeStoredCountsAgainstTheFixInsteadOfDroppingOutAsALabError() throws Exception {
        Path report = dir.resolve("report");
        // The fix's dump directory is a file: every crash of the fix fails to store its dump.
        Files.createDirectories(report.resolve("dumps"));
        Files.writeString(report.resolve("dumps").resolve("unfixed"), "");

        CliRun r = CliRun.of("matrix", "--plan", plan(UNFIXED).toString(), "--json", "--report", report.toString());

        assertEquals(ExitCode.CHECK_FAILED, r.exitCode(), r.out());
        JsonNode unfixed = config(Json.mapper().readTree(r.out()), "unfixed");
        assertEquals("NOT_CONFIRMED", unfixed.get("verdict").asText());
        assertEquals(120, unfixed.get("runs").asInt(), "a failure after the load started is a run of the fix");
        assertEquals(0, unfixed.get("labErrors").asInt(), "none of them is excused");
        assertTrue(unfixed.get("labErrorsAfterLoad").asInt() > 0, unfixed.toString());
    }

    @Test
    void mergeRefusesASubsetOfTheShards() {
        for (int i = 1; i <= 2; i++) {
            CliRun.of("matrix", "--runs", "40", "--shard", i + "/3", "--report", dir.resolve("shard" + i).toString());
        }

        CliRun merged = CliRun.of("matrix", "merge", "--report", dir.resolve("merged").toString(),
                dir.resolve("shard1").toString(), dir.resolve("shard2").toString());

        assertEquals(ExitCode.USAGE, merged.exitCode(), merged.out());
        assertTrue(merged.err().contains("shard 3/3 is missing"), merged.err());
        assertFalse(Files.exists(dir.resolve("merged").resolve(MatrixSession.RESULTS)), "nothing was merged");
    }

    @Test
    void mergeRefusesAShardGivenTwice() {
        for (int i = 1; i <= 2; i++) {
            CliRun.of("matrix", "--runs", "2", "--shard", i + "/2", "--report", dir.resolve("shard" + i).toString());
        }

        CliRun merged = CliRun.of("matrix", "merge", "--report", dir.resolve("merged").toString(),
                dir.resolve("shard1").toString(), dir.resolve("shard2").toString(), dir.resolve("shard1").toString());

        assertEquals(ExitCode.USAGE, merged.exitCode(), merged.out());
        assertTrue(merged.err().contains("shard 1/2 is given twice"), merged.err());
    }

    @Test
    void mergeRefusesAKilledShardsPartialResults() throws Exception {
        for (int i = 1; i <= 2; i++) {
            CliRun.of("matrix", "--runs", "4", "--shard", i + "/2", "--report", dir.resolve("shard" + i).toString());
        }
        Path results = dir.resolve("shard2").resolve(MatrixSession.RESULTS);
        List<String> lines = Files.readAllLines(results);
        Files.write(results, lines.subList(0, lines.size() - 3));       // killed three runs before its end

        CliRun merged = CliRun.of("matrix", "merge", "--report", dir.resolve("merged").toString(),
                dir.resolve("shard1").toString(), dir.resolve("shard2").toString());

        assertEquals(ExitCode.USAGE, merged.exitCode(), merged.out());
        assertTrue(merged.err().contains("shard 2/2") && merged.err().contains("3 of its 10 planned runs are missing"),
                merged.err());
        assertTrue(merged.err().contains("--resume"), "it says how to complete it: " + merged.err());
    }

    @Test
    void aFixedMatrixDoesNotGainRunsOnResume() {
        CliRun first = CliRun.of("matrix", "--runs", "20", "--report", dir.toString());
        assertTrue(first.out().contains("VERDICT: INCONCLUSIVE"), first.out());

        CliRun more = CliRun.of("matrix", "--runs", "40", "--resume", "--report", dir.toString());

        assertEquals(ExitCode.USAGE, more.exitCode(), more.out());
        assertTrue(more.err().contains("planned with 20 runs per configuration"), more.err());
        assertTrue(more.err().contains("--adaptive"), "it names the mode whose bounds hold at every look: "
                + more.err());
    }

    /** A fix that sees no read: 40% of the typical mix's callbacks. */
    static final String BLIND = """
            runs: 40
            configurations:
              - {name: field, role: baseline}
              - {name: no-reads, skipFor: {read: skip-non-dasd-io}}
            """;

    @Test
    void finishedResultsAreNotRejudgedWithLooserLimitsOnResume() throws Exception {
        Path plan = plan(BLIND);
        CliRun first = CliRun.of("matrix", "--plan", plan.toString(), "--report", dir.toString());
        assertTrue(first.out().contains("VERDICT: BLIND"), first.out());
        String report = Files.readString(dir.resolve("report.md"));

        CliRun looser = CliRun.of("matrix", "--plan", plan.toString(), "--resume", "--max-coverage-loss", "0.2",
                "--report", dir.toString());

        assertEquals(ExitCode.USAGE, looser.exitCode(), looser.out());
        assertTrue(looser.err().contains("maximum coverage loss 5.0%"), looser.err());
        assertEquals(report, Files.readString(dir.resolve("report.md")), "the report stays as it was");
    }

    @Test
    void finishedResultsAreNotRejudgedWithOtherLimitsOnMerge() throws Exception {
        Path plan = plan(BLIND);
        CliRun.of("matrix", "--plan", plan.toString(), "--report", dir.resolve("run").toString());

        CliRun coverage = CliRun.of("matrix", "merge", "--plan", plan.toString(), "--max-coverage-loss", "0.2",
                "--report", dir.resolve("m1").toString(), dir.resolve("run").toString());
        CliRun threshold = CliRun.of("matrix", "merge", "--plan", plan.toString(), "--threshold", "0.3",
                "--report", dir.resolve("m2").toString(), dir.resolve("run").toString());

        assertEquals(ExitCode.USAGE, coverage.exitCode(), coverage.out());
        assertEquals(ExitCode.USAGE, threshold.exitCode(), threshold.out());
        assertTrue(threshold.err().contains("threshold 10.0%"), threshold.err());
    }

    @Test
    void theMaximumCoverageLossIsCapped() throws Exception {
        CliRun r = CliRun.of("matrix", "--plan", plan(BLIND).toString(), "--max-coverage-loss", "0.7",
                "--report", dir.toString());

        assertEquals(ExitCode.USAGE, r.exitCode(), r.out());
        assertTrue(r.err().contains("at most 20%"), r.err());
    }

    @Test
    void aFixThatSeesNoReadIsBlindWhateverTheReadsShareOfTheMix() throws Exception {
        Path plan = plan("""
                runs: 40
                stress: {workers: 4, processes: 32, pressure: high, operations: 20000,
                         mix: {create: 48, read: 4, write: 48}}
                configurations:
                  - {name: field, role: baseline}
                  - {name: no-reads, skipFor: {read: skip-non-dasd-io}}
                """);

        CliRun r = CliRun.of("matrix", "--plan", plan.toString(), "--json", "--report", dir.toString());

        assertEquals(ExitCode.CHECK_FAILED, r.exitCode(), r.out());
        JsonNode noReads = config(Json.mapper().readTree(r.out()), "no-reads");
        assertEquals("BLIND", noReads.get("verdict").asText());
        assertTrue(noReads.get("reason").asText().contains("cached reads"), noReads.get("reason").asText());
    }

    @Test
    void aPlanWithoutAFixConfirmsNothing() throws Exception {
        Path plan = plan("""
                runs: 40
                configurations:
                  - {name: field, role: baseline}
                """);

        CliRun r = CliRun.of("matrix", "--plan", plan.toString(), "--report", dir.toString());

        assertEquals(ExitCode.CHECK_FAILED, r.exitCode(), r.out());
        assertTrue(r.out().contains("VERDICT: INCONCLUSIVE - the plan has no fix"), r.out());
    }
}
