package dev.xidlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xidlab.command.ExitCode;
import dev.xidlab.json.Json;
import dev.xidlab.lint.LintCorpus;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** xidlab bench lint: the lint figures of docs/benchmarks.md, measured on the corpus. */
class BenchLintCommandTest {

    @Test
    void itTimesTheLintOfEachImageAndCountsWhatItFound() throws Exception {
        assumeTrue(LintCorpus.built(), LintCorpus.NOT_BUILT);
        CliRun run = CliRun.of("bench", "lint", "--iterations", "2", "--json",
                LintCorpus.file("direct.sys").toString(), LintCorpus.file("pointer.sys").toString());

        assertEquals(ExitCode.OK, run.exitCode(), run.err());
        JsonNode figures = Json.mapper().readTree(run.out());
        assertEquals(2, figures.size());
        assertEquals(1, figures.get(0).get("findings").asInt(), "direct.sys: its XL001");
        assertEquals(2, figures.get(1).get("findings").asInt(), "pointer.sys: its two XL003");
        assertTrue(figures.get(0).get("bestMillis").asDouble() > 0, figures.toString());
        assertEquals(2, figures.get(0).get("iterations").asInt());
    }

    @Test
    void aFileThatIsNotADriverIsRefused() {
        assumeTrue(LintCorpus.built(), LintCorpus.NOT_BUILT);
        CliRun run = CliRun.of("bench", "lint", LintCorpus.file("i386.sys").toString());

        assertEquals(ExitCode.USAGE, run.exitCode());
    }
}
