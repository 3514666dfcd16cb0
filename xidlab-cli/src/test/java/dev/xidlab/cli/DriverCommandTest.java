package dev.xidlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xidlab.command.ExitCode;
import dev.xidlab.device.KernelModel;
import dev.xidlab.json.Json;
import dev.xidlab.protocol.DriverInfo;
import dev.xidlab.protocol.Ioctl;
import dev.xidlab.protocol.Wire;
import java.nio.file.Path;
import java.util.HexFormat;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** xidlab driver ... --device sim: every command against the driver's own code in the kernel model. */
class DriverCommandTest {

    @TempDir
    Path dir;

    @BeforeEach
    void isolateTheModelsServiceKey() {
        assumeTrue(KernelModel.unavailableReason().isEmpty(), () -> KernelModel.unavailableReason().get());
        System.setProperty("xidlab.sim.state", dir.resolve("service-key.bin").toString());
    }

    @AfterEach
    void restore() {
        System.clearProperty("xidlab.sim.state");
    }

    static JsonNode json(CliRun r) throws Exception {
        assertEquals(0, r.exitCode(), r.err());
        return Json.mapper().readTree(r.out());
    }

    @Test
    void infoNamesTheModelBuild() {
        CliRun r = CliRun.of("driver", "info", "--device", "sim");

        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("0.2.0 (model build), protocol " + Wire.PROTOCOL_VERSION), r.out());
    }

    @Test
    void aFlagSetByOneCommandIsActiveForTheNext() throws Exception {
        CliRun set = CliRun.of("driver", "set", "--device", "sim", "--skip-for", "read=skip-paging-io", "--mode",
                "cached");
        assertTrue(set.out().contains("registration flags take effect at the next load"), set.out());

        JsonNode info = json(CliRun.of("driver", "info", "--device", "sim", "--json"));

        assertEquals("SKIP_PAGING_IO", info.get("activeRegistration").get("READ").get(0).asText());
        assertTrue(info.get("loadCount").asInt() >= 2);
        assertEquals("CACHED", json(CliRun.of("driver", "config", "--device", "sim", "--json")).get("xidMode")
                .asText());
    }

    @Test
    void theModelSaysItsMachineIsNewForEveryCommand() {
        CliRun stats = CliRun.of("driver", "stats", "--device", "sim");
        CliRun info = CliRun.of("driver", "info", "--device", "sim", "--json");

        assertTrue(stats.err().startsWith("note: --device sim boots a new model machine for every command, so these"
                + " counters cover this command alone"), stats.err());
        assertTrue(info.err().contains("flags saved by an earlier command show as active here"), info.err());
        assertEquals('{', info.out().charAt(0), "the note stays out of the JSON");
    }

    @Test
    void setWithReloadAppliesTheFlagsAtOnce() throws Exception {
        JsonNode outcome = json(CliRun.of("driver", "set", "--device", "sim", "--skip", "skip-paging-io", "--reload",
                "--json"));

        assertTrue(outcome.get("reloaded").asBoolean());
    }

    @Test
    void theModesAgreeOnTheCallersXid() throws Exception {
        JsonNode answers = json(CliRun.of("driver", "xid", "--device", "sim", "--json"));

        assertEquals(answers.get(0).get("xid").asLong(), answers.get(1).get("xid").asLong(), "lookup = requestor");
    }

    @Test
    void statsResetAndReloadAnswer() throws Exception {
        assertEquals(0, json(CliRun.of("driver", "stats", "--device", "sim", "--json")).get("callbacks").asLong());
        assertTrue(json(CliRun.of("driver", "reset", "--device", "sim", "--json")).get("reset").asBoolean());
        assertTrue(json(CliRun.of("driver", "reload", "--device", "sim", "--json")).get("loadCount").asInt() >= 2);
    }

    @Test
    void aGuardThresholdOutOfRangeIsRefusedAndNothingIsSaved() throws Exception {
        CliRun r = CliRun.of("driver", "set", "--device", "sim", "--guard", "low-stack", "--guard-stack", "99999");

        assertEquals(ExitCode.USAGE, r.exitCode());
        assertTrue(r.err().contains("1024..20480"), r.err());
        assertEquals("LOOKUP", json(CliRun.of("driver", "config", "--device", "sim", "--json")).get("xidMode")
                .asText());
    }

    @Test
    void rawCarriesOneRequestsBytesThereAndBack() throws Exception {
        JsonNode answer = json(CliRun.of("driver", "raw", "--device", "sim", "--code",
                Integer.toHexString(Ioctl.GET_INFO.code()), "--out", String.valueOf(Ioctl.GET_INFO.outputSize())));

        assertEquals(0, answer.get("ntStatus").asInt());
        DriverInfo info = DriverInfo.decode(HexFormat.of().parseHex(answer.get("output").asText()));
        assertEquals(Wire.PROTOCOL_VERSION, info.protocolVersion());
    }

    @Test
    void rawPutsTheDriversRefusalInTheAnswerNotTheExitCode() throws Exception {
        JsonNode answer = json(CliRun.of("driver", "raw", "--device", "sim", "--code",
                Integer.toHexString(Ioctl.SET_CONFIG.code()), "--in", "010203", "--out", "24"));

        assertTrue(answer.get("ntStatus").asInt() < 0, answer.toString());
        assertTrue(answer.get("win32Error").asInt() != 0, answer.toString());
        assertEquals("", answer.get("output").asText());
    }

    @Test
    void rawRefusesInputThatIsNotHex() {
        CliRun r = CliRun.of("driver", "raw", "--device", "sim", "--code", "8A1D6000", "--in", "xyz");

        assertEquals(ExitCode.USAGE, r.exitCode());
        assertTrue(r.err().startsWith("xidlab: --code and --in take hexadecimal"), r.err());
    }
}
