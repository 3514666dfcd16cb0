package dev.xidlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xidlab.command.ExitCode;
import dev.xidlab.json.Json;
import dev.xidlab.lint.LintCorpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * xidlab driver lint on the corpus of minifilters written for it (built -O2 and stripped) and on xidfilter's own
 * builds: each case's exit code and rule ids, the same in --json and in the SARIF file.
 */
class DriverLintCommandTest {

    @TempDir
    Path dir;

    /** A lint run with both outputs, and what each says. */
    private record Linted(CliRun run, JsonNode json, JsonNode sarif) {

        List<String> jsonRules() {
            List<String> ids = new ArrayList<>();
            json.get("files").get(0).get("findings").forEach(f -> ids.add(f.get("ruleId").asText()));
            return ids;
        }

        List<String> sarifRules() {
            List<String> ids = new ArrayList<>();
            sarif.get("runs").get(0).get("results").forEach(r -> ids.add(r.get("ruleId").asText()));
            return ids;
        }

        JsonNode finding(int i) {
            return json.get("files").get(0).get("findings").get(i);
        }
    }

    private Linted lint(Path file) throws Exception {
        Path sarif = dir.resolve("lint.sarif");
        CliRun run = CliRun.of("driver", "lint", "--json", "--sarif", sarif.toString(), file.toString());
        return new Linted(run, Json.mapper().readTree(run.out()), Json.mapper().readTree(sarif.toFile()));
    }

    private static Path corpus(String name) {
        assumeTrue(LintCorpus.built(), LintCorpus.NOT_BUILT);
        return LintCorpus.file(name);
    }

    @ParameterizedTest(name = "{0}: exit {1}, {2}")
    @CsvSource(delimiter = ';', value = {
        "direct.sys;         1; XL001",
        "direct-skip.sys;    0; ''",
        "chain.sys;          1; XL001",
        "chain-skip.sys;     0; ''",
        "tail.sys;           1; XL001 XL001",
        "tail-skip.sys;      0; ''",
        "notify.sys;         0; ''",
        "pointer.sys;        0; XL003 XL003",
        "pointer-skip.sys;   0; ''",
        "paged.sys;          1; XL002",
        "paged-skip.sys;     0; ''",
        "create-only.sys;    0; ''",
    })
    void eachCaseOfTheCorpusGivesItsExitCodeAndRules(String file, int exit, String rules) throws Exception {
        Linted l = lint(corpus(file));

        List<String> expected = rules.isBlank() ? List.of() : List.of(rules.split(" "));
        assertEquals(exit, l.run().exitCode(), l.run().err());
        assertEquals(expected, l.jsonRules());
        assertEquals(expected, l.sarifRules());
    }

    @Test
    void theLookupThreeHelpersDownIsFoundWithEveryCallOnTheWay() throws Exception {
        JsonNode f = lint(corpus("chain.sys")).finding(0);

        assertEquals(5, f.get("path").size(), f.toString());
        assertEquals(f.get("address").asText(), f.get("path").get(0).asText(), "the path starts at the callback");
        assertEquals("ntoskrnl.exe!PsLookupThreadByThreadId", f.get("path").get(4).asText());
        assertTrue(f.get("message").asText().contains("IRP_MJ_WRITE post-operation callback"), f.toString());
    }

    @Test
    void tailCallsAreFollowedThroughShortLongAndImportTableJumps() throws Exception {
        Linted l = lint(corpus("tail.sys"));

        List<String> ends = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            JsonNode path = l.finding(i).get("path");
            ends.add(path.get(path.size() - 1).asText());
        }
        assertTrue(ends.contains("ntoskrnl.exe!ZwOpenProcess"), ends.toString());
        assertTrue(ends.contains("FLTMGR.SYS!FltGetFileNameInformation"), ends.toString());
    }

    @Test
    void aFindingSaysWhyTheImportIsRiskyAndHowToFixIt() throws Exception {
        JsonNode f = lint(corpus("direct.sys")).finding(0);

        assertTrue(f.get("why").asText().contains("CID handle table"), f.toString());
        assertTrue(f.get("fix").asText().contains("FLTFL_OPERATION_REGISTRATION_SKIP_PAGING_IO"), f.toString());
        assertEquals("error", f.get("level").asText());
    }

    @Test
    void theRegistrationIsPrintedEntryByEntry() throws Exception {
        JsonNode registration = lint(corpus("create-only.sys")).json().get("files").get(0).get("registrations").get(0);

        JsonNode ops = registration.get("operations");
        assertEquals("IRP_MJ_CREATE", ops.get(0).get("major").asText());
        assertEquals("IRP_MJ_READ", ops.get(1).get("major").asText());
        assertEquals(".text", ops.get(1).get("preSection").asText());
        assertTrue(ops.get(1).get("post").isNull(), ops.toString());
        assertEquals(".rdata", registration.get("section").asText());
    }

    @Test
    void aSarifResultLocatesTheCallbackInTheFile() throws Exception {
        Linted l = lint(corpus("direct.sys"));

        JsonNode location = l.sarif().get("runs").get(0).get("results").get(0).get("locations").get(0)
                .get("physicalLocation");
        assertTrue(location.get("artifactLocation").get("uri").asText().endsWith("direct.sys"), location.toString());
        assertEquals(Long.decode(l.finding(0).get("address").asText()),
                location.get("address").get("absoluteAddress").asLong());
        assertTrue(location.get("region").get("byteOffset").asLong() > 0, location.toString());
    }

    @ParameterizedTest
    @CsvSource(delimiter = ';', value = {
        "not-a-pe.sys; not a PE image",
        "i386.sys;     a PE image for i386 (machine 0x014c), not x64",
    })
    void aFileThatIsNotAnX64ImageIsRefusedInOneLine(String file, String reason) {
        Path sarif = dir.resolve("lint.sarif");
        CliRun run = CliRun.of("driver", "lint", "--sarif", sarif.toString(), corpus(file).toString());

        assertEquals(ExitCode.USAGE, run.exitCode());
        assertEquals(1, run.err().lines().count(), run.err());
        assertTrue(run.err().contains(reason), run.err());
        assertEquals("", run.out());
        assertFalse(Files.exists(sarif), "nothing is written for a refused run");
    }

    @Test
    void aMissingFileIsRefused() {
        CliRun run = CliRun.of("driver", "lint", dir.resolve("absent.sys").toString());

        assertEquals(ExitCode.USAGE, run.exitCode());
        assertTrue(run.err().contains("no such file"), run.err());
    }

    @Test
    void oneBadFileRefusesTheWholeRunBeforeAnyIsLinted() {
        CliRun run = CliRun.of("driver", "lint", corpus("direct.sys").toString(), corpus("i386.sys").toString());

        assertEquals(ExitCode.USAGE, run.exitCode());
        assertEquals("", run.out());
    }

    @Test
    void severalFilesAreLintedTogetherAndTheWorstDecidesTheExitCode() throws Exception {
        CliRun run = CliRun.of("driver", "lint", "--json", corpus("direct-skip.sys").toString(),
                corpus("paged.sys").toString());

        JsonNode json = Json.mapper().readTree(run.out());
        assertEquals(ExitCode.CHECK_FAILED, run.exitCode());
        assertEquals(2, json.get("files").size());
        assertEquals(1, json.get("errors").asInt());
    }

    @Test
    void xidfiltersFieldBuildReachesTheLookupAsTheMatrixBaselineCrashes() throws Exception {
        assumeTrue(LintCorpus.driverBuilt(), LintCorpus.DRIVER_NOT_BUILT);
        Linted l = lint(LintCorpus.FIELD);

        assertEquals(ExitCode.CHECK_FAILED, l.run().exitCode(), l.run().err());
        JsonNode f = l.finding(0);
        assertEquals("XL001", f.get("ruleId").asText());
        JsonNode path = f.get("path");
        assertEquals("ntoskrnl.exe!PsLookupProcessByProcessId", path.get(path.size() - 1).asText());
        assertTrue(f.get("message").asText().contains("IRP_MJ_READ and IRP_MJ_WRITE pre-operation"), f.toString());
    }

    @Test
    void xidfiltersSkipPagingIoBuildIsCleanAsTheMatrixConfirmsTheFix() throws Exception {
        assumeTrue(LintCorpus.driverBuilt(), LintCorpus.DRIVER_NOT_BUILT);
        Linted l = lint(LintCorpus.SKIP_PAGING_IO);

        assertEquals(ExitCode.OK, l.run().exitCode(), l.run().err());
        assertEquals(List.of(), l.jsonRules());
        assertEquals(List.of(), l.sarifRules());
        assertEquals("found", l.json().get("files").get(0).get("registration").asText());
    }

    @Test
    void xidfiltersDefaultBuildMakesItsTableAtLoadSoItIsReportedUnknownNotClean() throws Exception {
        assumeTrue(LintCorpus.driverBuilt(), LintCorpus.DRIVER_NOT_BUILT);
        Linted l = lint(LintCorpus.RUNTIME_TABLE);

        assertEquals(ExitCode.OK, l.run().exitCode(), "a warning does not fail the lint");
        assertEquals(List.of("XL004"), l.jsonRules());
        assertEquals(List.of("XL004"), l.sarifRules());
        assertEquals("not found statically", l.json().get("files").get(0).get("registration").asText());
    }

    @Test
    void aDriverThatIsNotAMinifilterHasNothingToCheck() throws Exception {
        Linted l = lint(LintCorpus.AMDPPM);

        assertEquals(ExitCode.OK, l.run().exitCode(), l.run().err());
        assertEquals("not a minifilter", l.json().get("files").get(0).get("registration").asText());
        assertEquals(List.of(), l.jsonRules());
    }
}
