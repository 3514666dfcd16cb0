package dev.xidlab.lint;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The lint's findings as a SARIF 2.1.0 log, for code-scanning dashboards: one run, the rules as the tool's
 * reporting descriptors, each finding a result with its rule id, level, the driver file as its artifact, the
 * callback's address (and its bytes in the file) as its location, and the path of calls as a code flow.
 */
public final class Sarif {

    static final String SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

    private Sarif() {
    }

    /** The whole log. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Log(@JsonProperty("$schema") String schema, String version, List<Run> runs) {
    }

    public record Run(Tool tool, List<Artifact> artifacts, List<Result> results) {
    }

    public record Tool(ToolComponent driver) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ToolComponent(String name, String version, String informationUri, List<Descriptor> rules) {
    }

    public record Descriptor(String id, String name, Text shortDescription, Text fullDescription, Text help,
                             Configuration defaultConfiguration) {
    }

    public record Configuration(String level) {
    }

    public record Text(String text) {
    }

    public record Artifact(ArtifactLocation location) {
    }

    public record ArtifactLocation(String uri, int index) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Result(String ruleId, int ruleIndex, String level, Text message, List<Location> locations,
                         List<CodeFlow> codeFlows, Map<String, Object> properties) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Location(PhysicalLocation physicalLocation, Text message) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record PhysicalLocation(ArtifactLocation artifactLocation, Region region, Address address) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Region(long byteOffset, Long byteLength) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Address(long absoluteAddress, Long length, String kind) {
    }

    public record CodeFlow(List<ThreadFlow> threadFlows) {
    }

    public record ThreadFlow(List<ThreadFlowLocation> locations) {
    }

    public record ThreadFlowLocation(Location location) {
    }

    /** The log for these reports; {@code version} is xidlab's (null in a development build). */
    public static Log of(List<DriverReport> reports, String version) {
        List<Rule> rules = Arrays.asList(Rule.values());
        List<Descriptor> descriptors = rules.stream().map(r -> new Descriptor(r.name(), r.ruleName(),
                new Text(r.summary()), new Text(r.description()), new Text(r.fix()),
                new Configuration(r.level().sarif()))).toList();
        List<Artifact> artifacts = new ArrayList<>();
        List<Result> results = new ArrayList<>();
        for (DriverReport report : reports) {
            ArtifactLocation file = new ArtifactLocation(uri(report.file()), artifacts.size());
            artifacts.add(new Artifact(file));
            for (Finding f : report.findings()) {
                results.add(result(f, file, rules.indexOf(f.rule())));
            }
        }
        ToolComponent driver = new ToolComponent("xidlab driver lint", version, null, descriptors);
        return new Log(SCHEMA, "2.1.0", List.of(new Run(new Tool(driver), artifacts, results)));
    }

    private static Result result(Finding f, ArtifactLocation file, int ruleIndex) {
        PhysicalLocation where = f.at().map(at -> new PhysicalLocation(file,
                at.fileOffset() >= 0 ? new Region(at.fileOffset(), at.length() > 0 ? at.length() : null) : null,
                new Address(at.address(), at.length() > 0 ? at.length() : null, "function")))
                .orElse(new PhysicalLocation(file, null, null));
        List<CodeFlow> flows = f.path().isEmpty() ? null : List.of(new CodeFlow(List.of(new ThreadFlow(
                f.path().stream().map(step -> new ThreadFlowLocation(new Location(null, new Text(step)))).toList()))));
        Map<String, Object> properties = f.why().isEmpty() ? Map.of("path", f.path())
                : Map.of("path", f.path(), "why", f.why());
        return new Result(f.rule().name(), ruleIndex, f.rule().level().sarif(), new Text(f.message()),
                List.of(new Location(where, null)), flows, properties);
    }

    /** A file as a URI reference: a relative path stays relative (escaped), an absolute one a file: URI. */
    static String uri(String file) {
        Path path = Path.of(file);
        if (path.isAbsolute()) {
            return path.toUri().toString();
        }
        try {
            return new URI(null, null, file.replace('\\', '/'), null).getRawPath();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(file + ": cannot be written as a URI: " + e.getMessage(), e);
        }
    }
}
