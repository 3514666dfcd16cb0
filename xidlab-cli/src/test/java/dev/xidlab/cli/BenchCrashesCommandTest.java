package dev.xidlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xidlab.device.KernelModel;
import dev.xidlab.json.Json;
import org.junit.jupiter.api.Test;

class BenchCrashesCommandTest {

    @Test
    void theBenchmarkUnwindsWithTheSymbolPathItIsGiven() throws Exception {
        var r = XidlabCommandLineTest.run("bench", "crashes", "--iterations", "3", "--copies", "2", "--json",
                "--symbols", CrashesCommandTest.SYMBOLS, CrashesCommandTest.FIXTURE);

        assertEquals(0, r.exitCode(), r.err());
        JsonNode json = Json.mapper().readTree(r.out());
        assertEquals(18, json.get("framesUnwound").asInt(), "17 at the fault, KeBugCheckEx's own frame");
        assertEquals(2, json.get("copies").asInt());
        assertTrue(json.get("millisPerDumpWarm").asDouble() > 0);
    }

    @Test
    void theBenchmarkTimesTheModelsKernelDumpWithBothStacksUnwoundFromIt() throws Exception {
        assumeTrue(KernelModel.unavailableReason().isEmpty(), () -> KernelModel.unavailableReason().get());

        var r = XidlabCommandLineTest.run("bench", "crashes", "--iterations", "4", "--copies", "1", "--json",
                CrashesCommandTest.FIXTURE);

        assertEquals(0, r.exitCode(), r.err());
        JsonNode kernel = Json.mapper().readTree(r.out()).get("kernelDump");
        assertEquals(11, kernel.get("recursionDepth").asInt());
        assertEquals(137 + 140, kernel.get("framesUnwound").asInt(), "the fault's stack and KeBugCheckEx's");
        assertTrue(kernel.get("cpuMillisPerDumpWarm").asDouble() > 0);
    }
}
