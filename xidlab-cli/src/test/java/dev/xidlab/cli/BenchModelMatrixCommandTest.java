package dev.xidlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xidlab.command.ExitCode;
import dev.xidlab.device.KernelModel;
import dev.xidlab.json.Json;
import dev.xidlab.protocol.XidMode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** xidlab bench model and bench matrix, the benchmarks behind docs/benchmarks.md's kernel-model rows, run small. */
class BenchModelMatrixCommandTest {

    @BeforeEach
    void needsTheModel() {
        assumeTrue(KernelModel.unavailableReason().isEmpty(), () -> KernelModel.unavailableReason().get());
    }

    @Test
    void benchModelTimesTheCallbacksOfEveryXidModeAndTheIoctlRoundTrip() throws Exception {
        CliRun r = CliRun.of("bench", "model", "--operations", "2000", "--ioctls", "100", "--json");

        assertEquals(ExitCode.OK, r.exitCode(), r.err());
        JsonNode json = Json.mapper().readTree(r.out());
        assertEquals(XidMode.values().length, json.get("modes").size(), r.out());
        for (JsonNode mode : json.get("modes")) {
            assertTrue(mode.get("callbacks").asLong() > 0 && mode.get("callbacksPerSecond").asDouble() > 0, r.out());
        }
        assertEquals(100, json.get("ioctls").asInt());
        assertTrue(json.get("microsecondsPerIoctl").asDouble() > 0, r.out());
    }

    @Test
    void benchMatrixAdaptiveNeeds118OfTheDefaultPlansRunsForTheSameVerdict() throws Exception {
        CliRun r = CliRun.of("bench", "matrix", "--adaptive", "--repeat", "1", "--json");

        assertEquals(ExitCode.OK, r.exitCode(), r.err());
        JsonNode json = Json.mapper().readTree(r.out());
        assertEquals(118, json.get("runs").asInt(), "docs/benchmarks.md: 118 of the 200 runs");
        assertEquals("CONFIRMED", json.get("verdict").asText());
        assertTrue(json.get("bestSeconds").asDouble() > 0);
    }
}
