package dev.xidlab.matrix;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xidlab.cli.CliRun;
import dev.xidlab.command.ExitCode;
import dev.xidlab.device.KernelModel;
import dev.xidlab.json.Json;
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
 * {@code xidlab matrix merge --site}: the matrices of several sites in one table, one row per site, each judged by
 * its own plan. The sites are the real fixture's machine (its plan from {@code crashes profile}) and the same machine
 * without its file-system filters; the low-stack guard holds at one and fails at the other.
 */
class MatrixMergeBySiteTest {

    static final String FIXTURE = Path.of(System.getProperty("xidlab.projectDir", "."),
            "fixtures/dumps/triage_x64.dmp").toString();

    @TempDir
    Path dir;

    private Path customer;
    private Path quiet;

    @BeforeEach
    void twoSitesRunOnTheModel() throws Exception {
        assumeTrue(KernelModel.unavailableReason().isEmpty(), () -> KernelModel.unavailableReason().get());
        customer = dir.resolve("customer-a.yaml");
        assertEquals(0, CliRun.of("crashes", "profile", FIXTURE, "--name", "customer-a", "--out",
                customer.toString()).exitCode());
        // The same machine with no filter beside ours: the site the guard was tuned on.
        String withoutFilters = Files.readString(customer).replace("name: customer-a", "name: quiet-site")
                .replaceAll("(?m)^    - \\{module:.*\\n", "").replaceAll("(?m)^  filters:.*$", "  filters: []");
        quiet = dir.resolve("quiet-site.yaml");
        Files.writeString(quiet, withoutFilters);
        for (Path plan : List.of(customer, quiet)) {
            CliRun run = CliRun.of("matrix", "--plan", plan.toString(), "--runs", "3", "--report",
                    dir.resolve(name(plan)).toString());
            assertTrue(run.exitCode() == ExitCode.OK || run.exitCode() == ExitCode.CHECK_FAILED, run.err());
        }
    }

    private static String name(Path plan) {
        return plan.getFileName().toString().replace(".yaml", "");
    }

    private CliRun mergeBySite(String... more) {
        List<String> args = new java.util.ArrayList<>(List.of("matrix", "merge", "--runs", "3", "--report",
                dir.resolve("sites").toString(), "--site", customer + "=" + dir.resolve("customer-a"),
                "--site", quiet + "=" + dir.resolve("quiet-site")));
        args.addAll(List.of(more));
        return CliRun.of(args.toArray(String[]::new));
    }

    @Test
    void eachSiteIsOneRowWithEachConfigurationsVerdictThere() {
        CliRun r = mergeBySite();

        assertEquals(ExitCode.CHECK_FAILED, r.exitCode(), r.err());
        String[] lines = r.out().split("\n");
        assertTrue(lines[0].startsWith("site") && lines[0].contains("low-stack-guard"), lines[0]);
        assertTrue(lines[2].startsWith("customer-a") && lines[2].contains("NOT CONFIRMED 3/3"), lines[2]);
        assertTrue(lines[3].startsWith("quiet-site") && !lines[3].contains("NOT CONFIRMED"), lines[3]);
    }

    @Test
    void eachSitesOwnReportAndTheSiteTableAreWritten() throws Exception {
        mergeBySite();

        assertTrue(Files.exists(dir.resolve("sites/customer-a/report.md")));
        assertTrue(Files.exists(dir.resolve("sites/quiet-site/results.jsonl")));
        JsonNode sites = Json.mapper().readTree(dir.resolve("sites/sites.json").toFile()).get("sites");
        assertEquals(2, sites.size());
        assertTrue(sites.get(0).get("environment").asText().contains("7 file-system filters"));
        assertTrue(Files.readString(dir.resolve("sites/sites.md")).contains("| customer-a | sim | 18 |"));
    }

    @Test
    void aSitesResultsRunWithAnotherPlanAreRefusedAndNothingIsWritten() {
        CliRun r = CliRun.of("matrix", "merge", "--runs", "3", "--report", dir.resolve("sites").toString(),
                "--site", customer + "=" + dir.resolve("quiet-site"));

        assertEquals(ExitCode.USAGE, r.exitCode());
        assertTrue(r.err().contains("another plan"), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertFalse(Files.exists(dir.resolve("sites")));
    }

    @Test
    void aSiteArgumentWithoutAPlanAndResultsIsAOneLineUsageError() {
        CliRun r = CliRun.of("matrix", "merge", "--report", dir.resolve("sites").toString(), "--site",
                customer.toString());

        assertEquals(ExitCode.USAGE, r.exitCode());
        assertTrue(r.err().contains("--site wants PLAN=RESULTS"), r.err());
    }

    @Test
    void twoSitesOfTheSameNameAreRefused() throws Exception {
        Files.copy(customer, dir.resolve("copy.yaml"));

        CliRun r = CliRun.of("matrix", "merge", "--runs", "3", "--report", dir.resolve("sites").toString(),
                "--site", customer + "=" + dir.resolve("customer-a"), "--site",
                dir.resolve("copy.yaml") + "=" + dir.resolve("customer-a"));

        assertEquals(ExitCode.USAGE, r.exitCode());
        assertTrue(r.err().contains("two sites are named 'customer-a'"), r.err());
    }

    @Test
    void siteMergeRefusesAPlanOrResultsBesideTheSites() {
        CliRun r = mergeBySite("--plan", customer.toString());

        assertEquals(ExitCode.USAGE, r.exitCode());
        assertTrue(r.err().contains("give no --plan"), r.err());
    }
}
