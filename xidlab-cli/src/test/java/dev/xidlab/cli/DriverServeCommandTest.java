package dev.xidlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xidlab.device.KernelModel;
import dev.xidlab.protocol.DriverInfo;
import dev.xidlab.protocol.Ioctl;
import dev.xidlab.protocol.Wire;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code xidlab driver serve}: the VM lab's one process per run in the guest, answering a line per request, here
 * on the kernel model's driver, with the requests' bytes made by the same codec the host uses.
 */
class DriverServeCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private InputStream stdin;

    @BeforeEach
    void aModelMachine() {
        assumeTrue(KernelModel.unavailableReason().isEmpty(), () -> KernelModel.unavailableReason().orElse(""));
        System.setProperty("xidlab.sim.state", dir.resolve("service-key.bin").toString());
        stdin = System.in;
    }

    @AfterEach
    void restore() {
        System.setIn(stdin);
        System.clearProperty("xidlab.sim.state");
    }

    private List<JsonNode> serve(String... requests) throws Exception {
        System.setIn(new ByteArrayInputStream((String.join("\n", requests) + "\n").getBytes(StandardCharsets.US_ASCII)));
        CliRun run = CliRun.of("driver", "serve", "--device", "sim");
        assertEquals(0, run.exitCode(), run.err());
        List<JsonNode> answers = new java.util.ArrayList<>();
        for (String line : run.out().lines().toList()) {
            answers.add(JSON.readTree(line));
        }
        return answers;
    }

    @Test
    void theFirstLineSaysTheDeviceIsOpen() throws Exception {
        JsonNode ready = serve("quit").get(0);

        assertTrue(ready.get("ready").asBoolean());
        assertTrue(ready.get("device").asText().startsWith("sim (kernel model"), ready.toString());
    }

    @Test
    void eachIoctlIsAnsweredWithTheDriversBytesOnOneLine() throws Exception {
        List<JsonNode> answers = serve(String.format("ioctl %08X - %d", Ioctl.GET_INFO.code(), Ioctl.GET_INFO.outputSize()));

        JsonNode info = answers.get(1);
        DriverInfo decoded = DriverInfo.decode(HexFormat.of().parseHex(info.get("output").asText()));
        assertEquals(List.of(0, 0), List.of(info.get("win32Error").asInt(), info.get("ntStatus").asInt()));
        assertEquals(Wire.PROTOCOL_VERSION, decoded.protocolVersion());
    }

    @Test
    void aDriverFailureIsItsStatusInTheAnswerNotAnError() throws Exception {
        List<JsonNode> answers = serve(String.format("ioctl %08X - 4", Ioctl.GET_INFO.code()));

        assertEquals(0xC0000023, answers.get(1).get("ntStatus").asInt());
    }

    @Test
    void aReloadIsAnswered() throws Exception {
        assertTrue(serve("reload").get(1).get("ok").asBoolean());
    }

    @Test
    void aRequestThatIsNotOneIsAnsweredAsSuchAndTheServerGoesOn() throws Exception {
        List<JsonNode> answers = serve("ioctl zz - 4", String.format("ioctl %08X - %d", Ioctl.GET_INFO.code(),
                Ioctl.GET_INFO.outputSize()));

        assertTrue(answers.get(1).get("error").asText().startsWith("not a request"), answers.get(1).toString());
        assertEquals(0, answers.get(2).get("ntStatus").asInt());
    }
}
