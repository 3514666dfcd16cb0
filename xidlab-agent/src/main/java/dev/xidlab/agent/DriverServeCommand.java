package dev.xidlab.agent;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xidlab.command.ExitCode;
import dev.xidlab.device.DeviceException;
import dev.xidlab.device.Devices;
import dev.xidlab.device.IoctlTransport;
import dev.xidlab.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code xidlab driver serve}: {@code driver raw} for many requests in one process. A lab that drives a guest
 * starts it once per run over one SSH channel, instead of one JVM per request (in a VM on a software CPU a JVM
 * start costs the better part of a minute). One request per line on stdin, one JSON answer per line on stdout.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = {"Answer IOCTL requests read from stdin, one per line, with one JSON line each, until stdin ends"
                + " or 'quit': for labs that drive a driver in another machine.",
                "Requests: 'ioctl CODE INHEX|- OUTBYTES' answers {win32Error, ntStatus, output};"
                        + " 'reload' answers {ok} or {error}. The first line out is {ready, device} or {error}."},
        footer = ExitCode.FOOTER)
public final class DriverServeCommand implements Callable<Integer> {

    /** One answer per line: the host reads lines. */
    private static final ObjectMapper LINE = Json.lineMapper();

    @Option(names = "--device", paramLabel = "sim|windows", defaultValue = Devices.SIM, description = "The device.")
    String device;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        IoctlTransport transport;
        try {
            transport = Devices.openTransport(device);
        } catch (DeviceException e) {
            answer(out, Map.of("error", e.getMessage()));
            return ExitCode.ENVIRONMENT;
        }
        try (transport) {
            answer(out, Map.of("ready", true, "device", transport.describe()));
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
            String line;
            while ((line = in.readLine()) != null) {
                String request = line.strip();
                if (request.equals("quit")) {
                    break;
                }
                if (!request.isEmpty()) {
                    answer(out, serve(transport, request));
                }
            }
        }
        return ExitCode.OK;
    }

    /** One request's answer; a bad request is answered, never fatal, so the host can tell its own bug from the driver's. */
    static Map<String, Object> serve(IoctlTransport transport, String request) {
        String[] words = request.split("\\s+");
        Map<String, Object> answer = new LinkedHashMap<>();
        try {
            if (words[0].equals("reload") && words.length == 1) {
                transport.reloadFilter();
                answer.put("ok", true);
            } else if (words[0].equals("ioctl") && words.length == 4) {
                int code = Integer.parseUnsignedInt(words[1], 16);
                byte[] input = words[2].equals("-") ? new byte[0] : HexFormat.of().parseHex(words[2]);
                int capacity = Integer.parseInt(words[3]);
                if (capacity < 0 || capacity > 65536) {
                    throw new IllegalArgumentException("output capacity must be 0..65536");
                }
                try {
                    byte[] output = transport.call(code, input, capacity);
                    answer.put("win32Error", 0);
                    answer.put("ntStatus", 0);
                    answer.put("output", HexFormat.of().formatHex(output));
                } catch (DeviceException e) {
                    answer.put("win32Error", e.win32Error());
                    answer.put("ntStatus", e.ntStatus());
                    answer.put("output", "");
                }
            } else {
                answer.put("error", "not a request: " + request);
            }
        } catch (IllegalArgumentException e) {
            answer.put("error", "not a request (" + e.getMessage() + "): " + request);
        } catch (DeviceException e) {
            answer.put("error", e.getMessage());
        }
        return answer;
    }

    private static void answer(PrintWriter out, Map<String, ?> answer) throws IOException {
        out.println(LINE.writeValueAsString(answer));
        out.flush();
    }
}
