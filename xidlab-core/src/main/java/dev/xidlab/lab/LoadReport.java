package dev.xidlab.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xidlab.protocol.DriverStats;
import java.io.IOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How a load ended, as {@code xidlab stress --result FILE} writes it in the guest and the VM lab reads it on the
 * host: one type for both sides, its JSON written by {@link #toJson} and read by {@link #read}. The field names and
 * their order are the file's contract ({@code outcome}, {@code operations}, {@code hang}, {@code boundSeconds},
 * {@code bugcheck}, {@code dump}, {@code crash}, {@code telemetry}, {@code lab}, {@code reason}, {@code phase}).
 */
public sealed interface LoadReport {

    /** The lab's own details of the run ({@link Lab#lastRunDetails}), written first when there are any. */
    Map<String, Object> lab();

    /** The load ran to its budget; the driver's telemetry says what it went through. */
    record Survived(Map<String, Object> lab, long operations, Optional<DriverStats> telemetry) implements LoadReport {
        public Survived {
            lab = Collections.unmodifiableMap(new LinkedHashMap<>(lab));
        }

        public Survived(Map<String, Object> lab, long operations, DriverStats telemetry) {
            this(lab, operations, Optional.of(telemetry));
        }
    }

    /** The load did not finish within its bound; a dump the lab forced out of the machine, with its reading. */
    record Hung(Map<String, Object> lab, long operations, String hang, long boundSeconds, Optional<String> dump,
                Optional<JsonNode> crash, Optional<DriverStats> telemetry) implements LoadReport {
        public Hung {
            lab = Collections.unmodifiableMap(new LinkedHashMap<>(lab));
        }
    }

    /** The machine bugchecked under the load (a lab whose machine outlives its crash: the kernel model). */
    record Bugchecked(Map<String, Object> lab, long operations, String bugcheck, Optional<String> dump,
                      Optional<JsonNode> crash, Optional<DriverStats> telemetry) implements LoadReport {
        public Bugchecked {
            lab = Collections.unmodifiableMap(new LinkedHashMap<>(lab));
        }
    }

    /** The guest's own lab failed; {@code phase} says whether before the load started (the VM lab excuses only that). */
    record LabError(Map<String, Object> lab, String reason, RunOutcome.LabFailure.Phase phase) implements LoadReport {
        public LabError {
            lab = Collections.unmodifiableMap(new LinkedHashMap<>(lab));
        }
    }

    /** A report that says no outcome a host can take: its reason is the host's lab failure. */
    final class Unreadable extends Exception {
        public Unreadable(String reason) {
            super(reason);
        }
    }

    /**
     * The report as the file holds it: a map in the file's field order, for {@code Json.mapper()} to write (the
     * same map is what {@code stress --json} prints).
     */
    default Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        if (!lab().isEmpty()) {
            json.put("lab", lab());
        }
        if (this instanceof Survived s) {
            json.put("outcome", "survived");
            json.put("operations", s.operations());
            s.telemetry().ifPresent(t -> json.put("telemetry", t));
        } else if (this instanceof Hung h) {
            json.put("outcome", "hung");
            json.put("operations", h.operations());
            json.put("hang", h.hang());
            json.put("boundSeconds", h.boundSeconds());
            h.dump().ifPresent(d -> json.put("dump", d));
            h.crash().ifPresent(c -> json.put("crash", c));
            h.telemetry().ifPresent(t -> json.put("telemetry", t));
        } else if (this instanceof Bugchecked b) {
            json.put("outcome", "bugchecked");
            json.put("operations", b.operations());
            json.put("bugcheck", b.bugcheck());
            // Written even when there is none (null): the file has always had the key.
            json.put("dump", b.dump().orElse(null));
            b.crash().ifPresent(c -> json.put("crash", c));
            b.telemetry().ifPresent(t -> json.put("telemetry", t));
        } else {
            LabError e = (LabError) this;
            json.put("outcome", "lab-error");
            json.put("reason", e.reason());
            json.put("phase", e.phase() == RunOutcome.LabFailure.Phase.BEFORE_LOAD ? "before-load" : "after-load");
        }
        return json;
    }

    /**
     * Reads a report as a guest wrote it, as leniently as the host always has: a missing count is 0, a missing hang
     * reason "the load hung", telemetry that does not parse is none, a phase other than before-load is after it.
     *
     * @throws Unreadable when the text is not JSON, a survived load has no telemetry, or the outcome is none of these
     */
    @SuppressWarnings("unchecked")
    static LoadReport read(String json) throws Unreadable {
        ObjectMapper mapper = new ObjectMapper();
        JsonNode report;
        try {
            report = mapper.readTree(json);
        } catch (IOException e) {
            throw new Unreadable("the load's result is not JSON: " + e.getMessage());
        }
        Map<String, Object> lab = report.has("lab") && report.get("lab").isObject()
                ? mapper.convertValue(report.get("lab"), Map.class) : Map.of();
        String outcome = report.path("outcome").asText();
        Optional<DriverStats> stats = stats(mapper, report.get("telemetry"));
        switch (outcome) {
            case "survived":
                // A user's own driver has no telemetry; xidfilter's run without it is judged "coverage not measured".
                return new Survived(lab, report.path("operations").asLong(), stats);
            case "hung":
                return new Hung(lab, report.path("operations").asLong(), report.path("hang").asText("the load hung"),
                        report.path("boundSeconds").asLong(), text(report.get("dump")), node(report.get("crash")),
                        stats);
            case "bugchecked":
                return new Bugchecked(lab, report.path("operations").asLong(),
                        report.path("bugcheck").asText(), text(report.get("dump")), node(report.get("crash")), stats);
            case "lab-error":
                return new LabError(lab, report.path("reason").asText(),
                        "before-load".equals(report.path("phase").asText())
                        ? RunOutcome.LabFailure.Phase.BEFORE_LOAD : RunOutcome.LabFailure.Phase.AFTER_LOAD);
            default:
                throw new Unreadable("the load reported '" + outcome + "' without the guest going down");
        }
    }

    private static Optional<DriverStats> stats(ObjectMapper mapper, JsonNode telemetry) {
        if (telemetry == null || telemetry.isNull()) {
            return Optional.empty();
        }
        try {
            return Optional.of(mapper.treeToValue(telemetry, DriverStats.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static Optional<String> text(JsonNode node) {
        return node == null || node.isNull() ? Optional.empty() : Optional.of(node.asText());
    }

    private static Optional<JsonNode> node(JsonNode node) {
        return node == null || node.isNull() ? Optional.empty() : Optional.of(node);
    }
}
