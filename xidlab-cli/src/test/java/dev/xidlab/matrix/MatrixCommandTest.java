package dev.xidlab.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xidlab.cli.CliRun;
import dev.xidlab.command.ExitCode;
import dev.xidlab.device.KernelModel;
import dev.xidlab.json.Json;
import dev.xidlab.report.ReportDirectory;
import dev.xidlab.run.ResultsFile;
import dev.xidlab.run.ResultsHeader;
import dev.xidlab.run.RunRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.w3c.dom.Document;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.Named.named;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** xidlab matrix on the kernel model, end to end, as the README's first command runs it. */
class MatrixCommandTest {

    @TempDir
    Path dir;

    @BeforeEach
    void needsTheModel() {
        assumeTrue(KernelModel.unavailableReason().isEmpty(), () -> KernelModel.unavailableReason().get());
    }

    static CliRun xidlab(String... args) {
        return CliRun.of(args);
    }

    @Test
    void theDefaultPlanReproducesTheCrashAndConfirmsEveryFix() {
        CliRun r = xidlab("matrix", "--report", dir.toString());

        assertEquals(ExitCode.OK, r.exitCode(), r.err());
        assertTrue(r.out().contains("VERDICT: CONFIRMED"), r.out());
        assertTrue(r.out().contains("0x1000007F UNEXPECTED_KERNEL_MODE_TRAP_M (0x8,"), r.out());
        assertTrue(r.out().contains("field           baseline    40       40        40"), r.out());
    }

    @Test
    void tooFewRunsAreInconclusiveAndExitOne() {
        CliRun r = xidlab("matrix", "--runs", "5", "--report", dir.toString());

        assertEquals(ExitCode.CHECK_FAILED, r.exitCode());
        assertTrue(r.out().contains("VERDICT: INCONCLUSIVE"), r.out());
        assertTrue(r.out().contains("24 more crash-free runs needed"), r.out());
    }

    @Test
    void jsonIsTheSummaryAndNothingElse() throws Exception {
        // 5 runs separate a baseline that always crashes (lower bound 54.9%) from fixes that never do (45.1%).
        CliRun r = xidlab("matrix", "--runs", "5", "--threshold", "0.5", "--json", "--report", dir.toString());

        JsonNode json = Json.mapper().readTree(r.out());
        assertEquals("CONFIRMED", json.get("verdict").asText());
        assertEquals(25, json.get("recordedRuns").asInt());
    }

    @Test
    void everyReportIsWritten() throws Exception {
        xidlab("matrix", "--runs", "3", "--report", dir.toString());

        for (String f : List.of("report.md", "report.html", "summary.json", "junit.xml", "results.jsonl")) {
            assertTrue(Files.size(dir.resolve(f)) > 0, f);
        }
        assertTrue(Files.readString(dir.resolve("report.html")).contains("<svg id=\"chart\""));
        try (var dumps = Files.walk(dir.resolve("dumps"))) {
            assertEquals(3, dumps.filter(p -> p.toString().endsWith(".dmp")).count(), "one dump per baseline crash");
        }
    }

    @Test
    void junitXmlHasATestCasePerConfigurationAndParses() throws Exception {
        xidlab("matrix", "--runs", "3", "--report", dir.toString());

        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(dir.resolve("junit.xml").toFile());
        assertEquals(5, doc.getElementsByTagName("testcase").getLength());
        assertEquals(0, doc.getElementsByTagName("failure").getLength(), "the baseline reproduced, no fix crashed");
    }

    @Test
    void aBadPlanRunsNothingAndExitsTwo() throws Exception {
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, "runs: 3\nconfigurations:\n  - {name: f, role: baseline, mode: fast}\n");

        CliRun r = xidlab("matrix", "--plan", plan.toString(), "--report", dir.resolve("out").toString());

        assertEquals(ExitCode.USAGE, r.exitCode());
        assertTrue(r.err().startsWith("xidlab: " + plan + " line 3: unknown Xid mode 'fast'"), r.err());
        assertFalse(Files.exists(dir.resolve("out")), "nothing was run or written");
    }

    @Test
    void aMissingPlanFileSaysNoSuchFile() {
        Path plan = dir.resolve("plan.yaml");

        CliRun r = xidlab("matrix", "--plan", plan.toString(), "--report", dir.resolve("out").toString());

        assertEquals(ExitCode.USAGE, r.exitCode(), r.err());
        assertEquals("xidlab: " + plan + ": no such file\n", r.err());
    }

    @Test
    void aBinaryPlanFileSaysItIsNotUtf8Text() {
        // A crash dump given where the plan goes.
        Path plan = Path.of(System.getProperty("xidlab.projectDir", "."), "fixtures/dumps/triage_x64.dmp");

        CliRun r = xidlab("matrix", "--plan", plan.toString(), "--report", dir.resolve("out").toString());

        assertEquals(ExitCode.USAGE, r.exitCode(), r.err());
        assertEquals("xidlab: " + plan + ": not UTF-8 text (a plan is a YAML or JSON text file)\n", r.err());
    }

    @Test
    void aPlanOf20000NestedBracketsIsAPlanErrorAndExitsTwo() throws Exception {
        Path plan = dir.resolve("deep.yaml");
        Files.writeString(plan, "[".repeat(20_000) + "\n");

        CliRun r = xidlab("matrix", "--plan", plan.toString(), "--report", dir.resolve("out").toString());

        assertEquals(ExitCode.USAGE, r.exitCode(), r.err());
        assertEquals("xidlab: " + plan + " line 1: not a plan: lists or mappings nested more than 1000 levels deep\n",
                r.err());
    }

    @Test
    void anUnknownLabIsAUsageError() {
        CliRun unknown = xidlab("matrix", "--lab", "hyperv", "--report", dir.toString());

        assertEquals(ExitCode.USAGE, unknown.exitCode());
        assertEquals("xidlab: unknown lab 'hyperv' (expected sim, vagrant, local or standin)\n", unknown.err());
    }

    @Test
    void aReportPathThatIsAFileIsAnInputErrorAndTheFileIsLeftAlone() throws Exception {
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "mine");

        CliRun r = xidlab("matrix", "--runs", "1", "--report", file.toString());

        assertEquals(ExitCode.USAGE, r.exitCode(), r.err());
        assertEquals("xidlab: " + file + ": not a directory (a file is in the way): give --report a directory\n",
                r.err());
        assertEquals("mine", Files.readString(file));
    }

    @Test
    void aReportDirectoryThatCannotBeWrittenIsAnInputError() throws Exception {
        Path report = unwritableDirectory().resolve("report");

        CliRun r = xidlab("matrix", "--runs", "1", "--report", report.toString());

        assertEquals(ExitCode.USAGE, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("xidlab: " + report + ": cannot write: "), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
    }

    @Test
    void aMergeIntoAReportPathThatIsAFileIsAnInputError() throws Exception {
        xidlab("matrix", "--runs", "1", "--shard", "1/1", "--report", dir.resolve("shard").toString());
        Path file = dir.resolve("notes.txt");
        Files.writeString(file, "mine");

        CliRun r = xidlab("matrix", "merge", "--runs", "1", "--report", file.toString(),
                dir.resolve("shard").toString());

        assertEquals(ExitCode.USAGE, r.exitCode(), r.err());
        assertTrue(r.err().startsWith("xidlab: " + file + ": not a directory"), r.err());
    }

    /**
     * A directory this process cannot create in: one without write permission, or, for root (whom permissions do
     * not stop, as when the test command runs as root), sysfs's root, where the kernel lets no one make a directory.
     */
    private Path unwritableDirectory() throws Exception {
        Path readOnly = Files.createDirectory(dir.resolve("read-only"));
        assumeTrue(readOnly.getFileSystem().supportedFileAttributeViews().contains("posix"), "POSIX permissions");
        Files.setPosixFilePermissions(readOnly, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Files.delete(Files.createFile(readOnly.resolve("probe")));
        } catch (java.nio.file.AccessDeniedException e) {
            return readOnly;
        }
        Path sysfs = Path.of("/sys");
        assumeTrue(Files.isDirectory(sysfs), "root ignores permissions, and there is no /sys to stand for them");
        return sysfs;
    }

    /**
     * A matrix begun on a report directory, then a second one on the same directory that may not go on from it: the
     * first's options, the second's, and what the refusal says.
     */
    static Stream<Arguments> secondMatricesOnTheSameReport() {
        return Stream.of(
                arguments(named("existing results are not overwritten without --resume", List.of("--runs", "1")),
                        List.of("--runs", "1"), "already exists: use --resume"),
                arguments(named("results of another plan are refused on resume", List.of("--runs", "1")),
                        List.of("--runs", "1", "--seed", "99", "--resume"), "holds results of another plan"),
                arguments(named("a shard resumes as the shard it was", List.of("--runs", "2", "--shard", "1/2")),
                        List.of("--runs", "2", "--shard", "2/2", "--resume"),
                        "holds shard 1/2: resume it with --shard 1/2"),
                arguments(named("a matrix resumes the way it began", List.of("--adaptive", "--runs", "1")),
                        List.of("--no-adaptive", "--resume"), "was begun with --adaptive: resume it the same way"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("secondMatricesOnTheSameReport")
    void aSecondMatrixThatMayNotGoOnFromTheFirstIsAUsageError(List<String> first, List<String> second,
            String refusal) {
        matrixOn(dir, first);

        CliRun r = matrixOn(dir, second);

        assertEquals(ExitCode.USAGE, r.exitCode());
        assertTrue(r.err().contains(refusal), r.err());
    }

    /** xidlab matrix with options, reporting to report. */
    static CliRun matrixOn(Path report, List<String> options) {
        List<String> args = new ArrayList<>(List.of("matrix"));
        args.addAll(options);
        args.addAll(List.of("--report", report.toString()));
        return xidlab(args.toArray(String[]::new));
    }

    @Test
    void aSecondMatrixOnAReportDirectoryThatIsBeingWrittenIsRefusedWithoutSuggestingResume() throws Exception {
        Path report = dir.resolve("report");
        whileAnotherMatrixWrites(report, first -> {
            CliRun second = xidlab("matrix", "--runs", LONG_RUNS, "--report", report.toString());

            assertEquals(ExitCode.USAGE, second.exitCode(), second.err());
            assertTrue(second.err().startsWith("xidlab: " + report + " is being written by another xidlab matrix or"
                    + " merge (pid " + first.pid() + ", since "), second.err());
            assertFalse(second.err().contains("--resume"), "the other one is still writing: " + second.err());
        });
    }

    @Test
    void aResumeWhileTheMatrixStillRunsIsRefused() throws Exception {
        Path report = dir.resolve("report");
        whileAnotherMatrixWrites(report, first -> {
            long recorded = Files.readAllLines(report.resolve(MatrixSession.RESULTS)).size();

            // Without the lock this resume would run the first one's runs again beside it: bounded, to fail, not hang.
            CliRun resume = assertTimeoutPreemptively(Duration.ofSeconds(60),
                    () -> xidlab("matrix", "--runs", LONG_RUNS, "--resume", "--report", report.toString()));

            assertEquals(ExitCode.USAGE, resume.exitCode(), resume.err());
            assertTrue(resume.err().contains("is being written by another xidlab matrix or merge"), resume.err());
            assertTrue(Files.readAllLines(report.resolve(MatrixSession.RESULTS)).size() >= recorded,
                    "the first matrix's results are untouched");
        });
    }

    @Test
    void aKilledMatrixLeavesNoLockBehind() throws Exception {
        Path report = dir.resolve("report");
        Process first = matrixInAnotherProcess(report);
        first.destroyForcibly().waitFor();

        try (ReportDirectory held = ReportDirectory.open(report)) {
            assertEquals(report, held.path());
        }
    }

    /** Runs per configuration of a matrix that is still running when a test looks (100,000 runs: many minutes). */
    private static final String LONG_RUNS = "20000";

    /** What a test checks while another process's matrix writes to the report directory. */
    private interface WhileItWrites {
        void check(Process other) throws Exception;
    }

    /** Runs check while {@link #matrixInAnotherProcess} writes to report, then kills that matrix, pass or fail. */
    private void whileAnotherMatrixWrites(Path report, WhileItWrites check) throws Exception {
        Process other = matrixInAnotherProcess(report);
        try {
            check.check(other);
        } finally {
            other.destroyForcibly().waitFor();
        }
    }

    /**
     * A long matrix in a JVM of its own, as a second user's would be, once it has recorded its first run; the
     * caller kills it. The lock is the operating system's, between processes: only another process shows it.
     */
    private Process matrixInAnotherProcess(Path report) throws Exception {
        Path javaBinary = Path.of(System.getProperty("java.home"), "bin", "java");
        Process p = new ProcessBuilder(javaBinary.toString(), "-cp", System.getProperty("java.class.path"),
                dev.xidlab.cli.Xidlab.class.getName(), "matrix", "--runs", LONG_RUNS, "--report", report.toString())
                .redirectOutput(dir.resolve("first.out").toFile()).redirectError(dir.resolve("first.err").toFile())
                .start();
        Path results = report.resolve(MatrixSession.RESULTS);
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
        while (!(Files.exists(results) && Files.readAllLines(results).size() >= 2)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly().waitFor();
                throw new AssertionError("the first matrix recorded no run: " + Files.readString(dir.resolve("first.err")));
            }
            Thread.sleep(50);
        }
        return p;
    }

    @Test
    void aKilledMatrixResumesWithoutRedoingFinishedRuns() throws Exception {
        xidlab("matrix", "--runs", "4", "--report", dir.toString());
        Path results = dir.resolve(MatrixSession.RESULTS);
        List<String> lines = Files.readAllLines(results);
        // Killed mid-write: 7 runs made it, the 8th line is half written.
        String cut = String.join("\n", lines.subList(0, 8)) + "\n" + lines.get(8).substring(0, 20);
        Files.writeString(results, cut);

        CliRun r = xidlab("matrix", "--runs", "4", "--resume", "--report", dir.toString());

        assertEquals(ExitCode.CHECK_FAILED, r.exitCode(), r.err());
        assertTrue(r.err().contains("13 runs to do, 7 already recorded"), r.err());
        List<RunRecord> runs = ResultsFile.read(results).runs();
        assertEquals(20, runs.size());
        assertEquals(20, runs.stream().map(RunRecord::id).distinct().count());
    }

    @Test
    void shardsMergeIntoTheVerdictOfTheWholeMatrix() throws Exception {
        for (int i = 1; i <= 3; i++) {
            CliRun shard = xidlab("matrix", "--runs", "40", "--shard", i + "/3", "--report",
                    dir.resolve("shard" + i).toString());
            assertEquals(ExitCode.OK, shard.exitCode(), shard.err());
        }

        CliRun merged = xidlab("matrix", "merge", "--report", dir.resolve("merged").toString(),
                dir.resolve("shard1").toString(), dir.resolve("shard2").toString(), dir.resolve("shard3").toString());

        assertEquals(ExitCode.OK, merged.exitCode(), merged.err());
        assertTrue(merged.out().contains("VERDICT: CONFIRMED"), merged.out());
        assertEquals(200, ResultsFile.read(dir.resolve("merged").resolve(MatrixSession.RESULTS)).runs().size());
    }

    @Test
    void mergeRefusesShardsOfAnotherPlan() throws Exception {
        xidlab("matrix", "--runs", "2", "--shard", "1/2", "--report", dir.resolve("a").toString());
        xidlab("matrix", "--runs", "2", "--seed", "5", "--shard", "2/2", "--report", dir.resolve("b").toString());

        CliRun merged = xidlab("matrix", "merge", "--report", dir.resolve("m").toString(), dir.resolve("a").toString(),
                dir.resolve("b").toString());

        assertEquals(ExitCode.USAGE, merged.exitCode());
        assertTrue(merged.err().contains("another plan"), merged.err());
    }

    @Test
    void theResultsHeaderRecordsTheShardAndTheLimitsItWasPlannedWith() throws Exception {
        xidlab("matrix", "--runs", "2", "--threshold", "0.5", "--shard", "2/3", "--report", dir.toString());

        ResultsHeader header = ResultsFile.read(dir.resolve(MatrixSession.RESULTS)).header();

        assertEquals(List.of("2/3", 2, 0.5, 0.05), List.of(header.shard(), header.runs(), header.threshold(),
                header.maxCoverageLoss()));
    }

    @Test
    void mergeTakesTheLimitsTheShardsWerePlannedWith() {
        for (int i = 1; i <= 2; i++) {
            xidlab("matrix", "--runs", "5", "--threshold", "0.5", "--shard", i + "/2", "--report",
                    dir.resolve("shard" + i).toString());
        }

        CliRun merged = xidlab("matrix", "merge", "--report", dir.resolve("merged").toString(),
                dir.resolve("shard1").toString(), dir.resolve("shard2").toString());

        assertEquals(ExitCode.OK, merged.exitCode(), merged.err());
        assertTrue(merged.out().contains("VERDICT: CONFIRMED"), merged.out());
    }

    @Test
    void choosingAmongFixesIsPartOfTheMatrixOnResumeAndMerge() throws Exception {
        CliRun chosen = xidlab("matrix", "--choose-among-fixes", "--runs", "42", "--report", dir.toString());
        assertEquals(ExitCode.OK, chosen.exitCode(), chosen.out());
        assertTrue(Files.readAllLines(dir.resolve(MatrixSession.RESULTS)).get(0).contains("\"chooseAmongFixes\":true"));

        CliRun resumed = xidlab("matrix", "--runs", "42", "--resume", "--report", dir.toString());
        CliRun merged = xidlab("matrix", "merge", "--report", dir.resolve("merged").toString(), dir.toString());

        assertEquals(ExitCode.USAGE, resumed.exitCode());
        assertTrue(resumed.err().contains("was planned with --choose-among-fixes"), resumed.err());
        assertEquals(ExitCode.OK, merged.exitCode(), merged.err());
        assertTrue(merged.out().contains("by Holm's procedure over the 4 fixes"), "merge judges as planned");
    }

    @Test
    void progressIsOnePlainLinePerRunWhenNotATerminal() {
        CliRun r = xidlab("matrix", "--runs", "1", "--report", dir.toString());

        assertTrue(r.err().startsWith("matrix: 5 runs to do\n"), r.err());
        assertTrue(r.err().contains("matrix: 1/5 field#0: bugchecked 0x1000007F (re-entry); 1 crashes so far"),
                r.err());
        assertTrue(r.err().contains("matrix: 5/5 guard#0: survived 20000 operations"), r.err());
    }

    @Test
    void adaptiveRunsStopEachConfigurationOnceSettledAndSayHowManyRunsTheySaved() throws Exception {
        CliRun r = xidlab("matrix", "--adaptive", "--report", dir.toString());

        assertEquals(ExitCode.OK, r.exitCode(), r.err());
        assertTrue(r.out().contains("VERDICT: CONFIRMED"), r.out());
        assertTrue(r.out().contains("adaptive: 118 of 200 budgeted runs recorded, 82 saved"), r.out());
        assertTrue(r.err().startsWith("matrix: adaptive, at most 200 runs to do\n"), r.err());
        assertTrue(Files.readAllLines(dir.resolve(MatrixSession.RESULTS)).get(0).contains("\"adaptive\":true"));
    }

    @Test
    void anAdaptiveMatrixCannotBeSharded() {
        CliRun r = xidlab("matrix", "--adaptive", "--shard", "1/2", "--report", dir.toString());

        assertEquals(ExitCode.USAGE, r.exitCode());
        assertTrue(r.err().startsWith("xidlab: --adaptive decides the next runs from the results so far"), r.err());
    }

    @Test
    void aFixOnALighterLoadOfItsOwnIsRefusedBeforeAnythingRuns() throws Exception {
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, """
                configurations:
                  - {name: field, role: baseline}
                  - {name: field-lighter, stress: {pressure: none}}
                """);

        CliRun r = xidlab("matrix", "--plan", plan.toString(), "--report", dir.resolve("out").toString());

        assertEquals(ExitCode.USAGE, r.exitCode());
        assertTrue(r.err().contains("line 3: 'field-lighter' has a stress block of its own"), r.err());
        assertFalse(Files.exists(dir.resolve("out")));
    }

    @Test
    void aFixThatStopsTheFilterFromSeeingIsBlindByItsOwnTelemetry() throws Exception {
        Path plan = dir.resolve("plan.yaml");
        Files.writeString(plan, """
                runs: 30
                configurations:
                  - {name: field, role: baseline}
                  - {name: skip-paging-io, skip: skip-paging-io}
                  - {name: skip-non-dasd, skip: skip-non-dasd-io}
                  - {name: off, mode: off}
                """);

        CliRun r = xidlab("matrix", "--plan", plan.toString(), "--json", "--report", dir.toString());

        assertEquals(ExitCode.CHECK_FAILED, r.exitCode(), r.err());
        JsonNode json = Json.mapper().readTree(r.out());
        assertEquals("BLIND", json.get("verdict").asText());
        JsonNode configs = json.get("configs");
        assertEquals("CONFIRMED", configs.get(1).get("verdict").asText());
        assertEquals("BLIND", configs.get(2).get("verdict").asText());
        assertEquals(1.0, configs.get(2).get("coverage").get("lost").asDouble(), 1e-9, "not one callback seen");
        assertEquals("BLIND", configs.get(3).get("verdict").asText());
    }
}
