package dev.xidlab.lab.vm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xidlab.device.DeviceException;
import dev.xidlab.device.IoctlTransport;
import dev.xidlab.lab.LabException;
import dev.xidlab.protocol.NtStatus;
import dev.xidlab.protocol.Wire;
import java.io.IOException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * xidfilter in the guest: each request's bytes go to {@code xidlab driver serve} there (one process for the
 * device's life, started on first use), which passes them to the driver unchanged and prints the answer's bytes.
 * The host's codec encodes and decodes, so the wire contract is checked by the same code on either side.
 */
final class GuestDevice implements IoctlTransport {

    /** A JVM start in a guest on a software CPU can take a minute on a busy host. */
    static final Duration START_TIMEOUT = Duration.ofMinutes(5);
    static final Duration CALL_TIMEOUT = Duration.ofMinutes(2);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GuestShell shell;
    private final GuestOs guest;
    private final String jar;
    private final LabTrace trace;
    private GuestShell.Conversation agent;
    private String agentDevice;

    GuestDevice(GuestShell shell, GuestOs guest, String jar, LabTrace trace) {
        this.shell = shell;
        this.trace = trace;
        this.guest = guest;
        this.jar = jar;
    }

    @Override
    public byte[] call(int code, byte[] input, int outputCapacity) {
        String what = String.format("IOCTL 0x%08X", code);
        JsonNode answer = ask(String.format("ioctl %08X %s %d", code,
                input.length == 0 ? "-" : HexFormat.of().formatHex(input), outputCapacity), what);
        if (!answer.has("win32Error") || !answer.has("ntStatus") || !answer.has("output")) {
            throw new DeviceException(what + " in the guest: not an answer: " + abbreviate(answer.toString()));
        }
        int win32Error = answer.get("win32Error").asInt();
        int ntStatus = answer.get("ntStatus").asInt();
        if (win32Error != 0 || ntStatus != 0) {
            String why = ntStatus != 0 ? NtStatus.describe(ntStatus) : "Win32 error " + win32Error;
            throw new DeviceException(what + " failed in the guest: " + why, ntStatus, win32Error);
        }
        try {
            return HexFormat.of().parseHex(answer.get("output").asText());
        } catch (IllegalArgumentException e) {
            throw new DeviceException(what + " in the guest: output is not hex");
        }
    }

    @Override
    public void reloadFilter() {
        ask("reload", "reloading " + Wire.FILTER_NAME);
    }

    private JsonNode ask(String request, String what) {
        trace.step(what + " in the guest");
        String line;
        try {
            line = agent().ask(request, CALL_TIMEOUT);
        } catch (LabException e) {
            close();
            throw new DeviceException(what + " in the guest: " + e.getMessage());
        }
        JsonNode answer = parse(line).orElseThrow(() -> new DeviceException(what + " in the guest: not an answer: "
                + abbreviate(line)));
        if (answer.has("error")) {
            throw new DeviceException(what + " in the guest failed: " + answer.get("error").asText());
        }
        return answer;
    }

    /** The guest's agent, started on first use; its first line says whether it opened the device. */
    private GuestShell.Conversation agent() {
        if (agent != null) {
            return agent;
        }
        trace.step("starting the guest's xidlab driver serve");
        GuestShell.Conversation started = shell.converse(guest.agentCommandLine(jar));
        String first = started.readLine(START_TIMEOUT).orElse("");
        JsonNode ready = parse(first).orElse(null);
        if (ready == null || !ready.path("ready").asBoolean()) {
            String why = ready != null && ready.has("error") ? ready.get("error").asText()
                    : first.isEmpty() ? silence(started) : "it answered " + abbreviate(first);
            String stderr = started.errorOutput().strip();
            if (!stderr.isEmpty()) {
                trace.step("the agent's stderr:\n" + stderr);
            }
            started.close();
            throw new DeviceException("the guest's xidlab driver serve did not start: " + why);
        }
        agentDevice = ready.path("device").asText();
        agent = started;
        return agent;
    }

    /**
     * Why an agent printed nothing: its exit status and the last of its stderr, or that it still runs. "no answer"
     * alone sent the lab's first failing runs on a hunt; the JVM had said "Invalid or corrupt jarfile" on stderr.
     */
    static String silence(GuestShell.Conversation agent) {
        java.util.Optional<Integer> exit = agent.exitStatus(Duration.ofSeconds(5));
        List<String> said = agent.errorOutput().lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
        String tail = said.isEmpty() ? "" : ": " + abbreviate(String.join(" / ", said.subList(
                Math.max(0, said.size() - 3), said.size())));
        return exit.map(status -> "it exited with status " + status + " before answering" + (tail.isEmpty()
                        ? " and printed nothing on stderr" : tail))
                .orElse("no answer within " + START_TIMEOUT.toSeconds() + " s and it still runs" + tail);
    }

    private static java.util.Optional<JsonNode> parse(String line) {
        try {
            JsonNode node = JSON.readTree(line);
            return node != null && node.isObject() ? java.util.Optional.of(node) : java.util.Optional.empty();
        } catch (IOException e) {
            return java.util.Optional.empty();
        }
    }

    private static String abbreviate(String text) {
        return text.length() <= 300 ? text : text.substring(0, 300) + "...";
    }

    @Override
    public String describe() {
        return guest.name() + " guest: " + (agentDevice != null ? agentDevice : "the driver")
                + ", through xidlab driver serve over SSH";
    }

    @Override
    public void close() {
        if (agent != null) {
            agent.close();
            agent = null;
        }
    }
}
