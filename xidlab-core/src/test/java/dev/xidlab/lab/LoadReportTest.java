package dev.xidlab.lab;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xidlab.json.Json;
import dev.xidlab.protocol.DriverStats;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class LoadReportTest {

    private static final DriverStats STATS = new DriverStats(100, 7, 40, 1, 30, 10, 2, 0, 0, 3, 4096, 1, 0, 0, 0, 0,
            0, 5, 0, 20, 30, 10, 25, 15);
    private static final Map<String, Object> LAB = Map.of("guest", "windows", "domain", Map.of("name", "xidlab_1"));

    private static JsonNode crash() {
        return Json.mapper().valueToTree(Map.of("bugcheck", "0x7f", "parameters", List.of("0x8", "0x0")));
    }

    private static LoadReport roundTrip(LoadReport report) throws Exception {
        return LoadReport.read(Json.mapper().writeValueAsString(report.toJson()));
    }

    @Test
    void everyOutcomeReadsBackAsItWasWritten() throws Exception {
        List<LoadReport> reports = List.of(
                new LoadReport.Survived(Map.of(), 20_000, STATS),
                new LoadReport.Survived(LAB, 20_000, STATS),
                new LoadReport.Hung(LAB, 512, "the load did not finish", 90, Optional.of("C:/dumps/MEMORY.DMP"),
                        Optional.of(crash()), Optional.of(STATS)),
                new LoadReport.Hung(Map.of(), 0, "the load hung", 30, Optional.empty(), Optional.empty(),
                        Optional.empty()),
                new LoadReport.Bugchecked(Map.of(), 77, "0x0000007f UNEXPECTED_KERNEL_MODE_TRAP",
                        Optional.of("/tmp/xm.dmp"), Optional.of(crash()), Optional.of(STATS)),
                new LoadReport.Bugchecked(LAB, 77, "0x0000007f UNEXPECTED_KERNEL_MODE_TRAP", Optional.empty(),
                        Optional.empty(), Optional.empty()),
                new LoadReport.LabError(Map.of(), "no device", RunOutcome.LabFailure.Phase.BEFORE_LOAD),
                new LoadReport.LabError(LAB, "the driver went away", RunOutcome.LabFailure.Phase.AFTER_LOAD));
        for (LoadReport report : reports) {
            assertEquals(report, roundTrip(report));
        }
    }

    /** The map StressCommand built by hand before the report was a type: the file's bytes must not change. */
    @Test
    void writesTheBytesTheGuestAlwaysWrote() throws Exception {
        Map<String, Object> old = new LinkedHashMap<>();
        old.put("lab", LAB);
        old.put("outcome", "hung");
        old.put("operations", 512L);
        old.put("hang", "the load did not finish");
        old.put("boundSeconds", 90L);
        old.put("dump", "C:/dumps/MEMORY.DMP");
        old.put("crash", Map.of("bugcheck", "0x7f", "parameters", List.of("0x8", "0x0")));
        old.put("telemetry", STATS);
        LoadReport hung = new LoadReport.Hung(LAB, 512, "the load did not finish", 90,
                Optional.of("C:/dumps/MEMORY.DMP"), Optional.of(crash()), Optional.of(STATS));
        assertEquals(Json.mapper().writeValueAsString(old), Json.mapper().writeValueAsString(hung.toJson()));

        Map<String, Object> bugchecked = new LinkedHashMap<>();
        bugchecked.put("outcome", "bugchecked");
        bugchecked.put("operations", 3L);
        bugchecked.put("bugcheck", "0x0000007f");
        bugchecked.put("dump", null);
        assertEquals(Json.mapper().writeValueAsString(bugchecked), Json.mapper().writeValueAsString(
                new LoadReport.Bugchecked(Map.of(), 3, "0x0000007f", Optional.empty(), Optional.empty(),
                        Optional.empty()).toJson()));

        Map<String, Object> labError = new LinkedHashMap<>();
        labError.put("outcome", "lab-error");
        labError.put("reason", "no device");
        labError.put("phase", "before-load");
        assertEquals(Json.mapper().writeValueAsString(labError), Json.mapper().writeValueAsString(
                new LoadReport.LabError(Map.of(), "no device", RunOutcome.LabFailure.Phase.BEFORE_LOAD).toJson()));
    }

    /** A result file as a guest writes it (Json.mapper()'s indented form), read the way the host always read it. */
    @Test
    void readsAReportAsTodaysGuestsWriteIt() throws Exception {
        String telemetry = Json.mapper().writeValueAsString(STATS);
        String file = "{\n  \"outcome\" : \"survived\",\n  \"operations\" : 20000,\n  \"telemetry\" : " + telemetry
                + "\n}";
        assertEquals(new LoadReport.Survived(Map.of(), 20_000, STATS), LoadReport.read(file));
        assertEquals(new LoadReport.LabError(Map.of(), "the device is gone", RunOutcome.LabFailure.Phase.AFTER_LOAD),
                LoadReport.read("{\n  \"outcome\" : \"lab-error\",\n  \"reason\" : \"the device is gone\",\n"
                        + "  \"phase\" : \"after-load\"\n}"));
        assertEquals(new LoadReport.Hung(Map.of(), 0, "the load hung", 0, Optional.empty(), Optional.empty(),
                Optional.empty()), LoadReport.read("{ \"outcome\" : \"hung\" }"));
    }

    @Test
    void aSurvivedLoadWithoutTelemetryIsAUserDriversRun() throws Exception {
        assertEquals(new LoadReport.Survived(Map.of(), 5, Optional.empty()),
                LoadReport.read("{\"outcome\":\"survived\",\"operations\":5}"));
    }

    @Test
    void whatTheHostCannotTakeIsUnreadableWithTheReasonItAlwaysGave() {
        assertEquals("the load reported 'exploded' without the guest going down", assertThrows(
                LoadReport.Unreadable.class, () -> LoadReport.read("{\"outcome\":\"exploded\"}")).getMessage());
        assertThrows(LoadReport.Unreadable.class, () -> LoadReport.read("{not json"));
    }
}
