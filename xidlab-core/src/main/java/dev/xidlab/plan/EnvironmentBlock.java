package dev.xidlab.plan;

import dev.xidlab.dump.Machine;
import dev.xidlab.lab.SitePackage;
import dev.xidlab.protocol.Labels;
import dev.xidlab.site.Environment;
import dev.xidlab.site.FilterGroup;
import dev.xidlab.site.KnownModules;
import dev.xidlab.site.ResidentFilter;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code environment:} block, the customer's site a plan stands for (its machine, our altitude, the filters
 * beside ours, the drivers no table knows). Written with comments a person can act on: what each co-resident filter
 * is, where it sits against ours and the stack assumed for it.
 */
final class EnvironmentBlock {

    private static final Set<String> KEYS = Set.of("build", "architecture", "processors", "memoryMiB",
            "filterAltitude", "filters", "unknown");
    private static final Set<String> FILTER_KEYS = Set.of("module", "altitude", "group", "frameBytes",
            "skipPagingIo", "legacy", "package");

    private EnvironmentBlock() {
    }

    /**
     * A filter's group is its altitude's load order group unless it names one; a filter the table knows may leave
     * out its altitude (the allocated one is taken).
     */
    static Optional<Environment> read(NodeValues v, LocatedNode node) throws PlanException {
        if (node == null) {
            return Optional.empty();
        }
        v.object(node, "environment", KEYS);
        Map<String, LocatedNode> f = node.fields;
        Optional<Integer> build = f.containsKey("build")
                ? Optional.of(v.integer(f.get("build"), 0, 1, 0xFFFFFF, "build")) : Optional.empty();
        Optional<Machine> architecture = f.containsKey("architecture")
                ? Optional.of(v.label(f.get("architecture"), Machine.class, "architecture", null)) : Optional.empty();
        Optional<Integer> processors = f.containsKey("processors")
                ? Optional.of(v.integer(f.get("processors"), 0, 1, 1024, "processors")) : Optional.empty();
        Optional<Integer> memory = f.containsKey("memoryMiB")
                ? Optional.of(v.integer(f.get("memoryMiB"), 0, 64, 16 * 1024 * 1024, "memoryMiB")) : Optional.empty();
        BigDecimal ours = f.containsKey("filterAltitude") ? altitude(v, f.get("filterAltitude"), "filterAltitude")
                : Environment.XIDFILTER_ALTITUDE;
        List<ResidentFilter> filters = v.list(f.get("filters"), "filters must be a list of {module, altitude, ...}",
                item -> filter(v, item));
        List<String> unknown = v.list(f.get("unknown"), "unknown must be a list of module names",
                item -> v.string(item, null));
        try {
            return Optional.of(new Environment(build, architecture, processors, memory, ours, filters, unknown,
                    Map.of()));
        } catch (IllegalArgumentException e) {
            throw v.error(node, e.getMessage());
        }
    }

    /**
     * The site's own filter binaries the user supplies ({@code filters[].package: DIR}, relative to the plan file):
     * each directory must be there and hold the filter's module.
     */
    static List<SitePackage> packages(NodeValues v, LocatedNode node) throws PlanException {
        List<SitePackage> packages = new ArrayList<>();
        LocatedNode filters = node == null ? null : node.fields.get("filters");
        if (filters == null || filters.kind != LocatedNode.Kind.ARRAY) {
            return packages;
        }
        for (LocatedNode f : filters.items) {
            LocatedNode at = f.fields.get("package");
            String module = v.string(f.fields.get("module"), null);
            if (at == null || module == null) {
                continue;           // a filter without its module is refused where the filter is read
            }
            String given = v.string(at, null);
            java.nio.file.Path dir = v.base().resolve(given).normalize();
            if (!java.nio.file.Files.isDirectory(dir)) {
                throw v.error(at, "the package of " + module + " (" + given + ") is not a directory here (" + dir
                        + "), relative to the plan file");
            }
            if (!java.nio.file.Files.isRegularFile(dir.resolve(module))) {
                throw v.error(at, "the package of " + module + " (" + given + ") does not hold " + module);
            }
            LocatedNode altitude = f.fields.get("altitude");
            packages.add(new SitePackage(module, given, dir, altitude == null ? java.util.Optional.empty()
                    : java.util.Optional.of(altitude(v, altitude, "altitude"))));
        }
        return packages;
    }

    private static ResidentFilter filter(NodeValues v, LocatedNode node) throws PlanException {
        v.object(node, "a filter", FILTER_KEYS);
        LocatedNode moduleNode = node.fields.get("module");
        if (moduleNode == null) {
            throw v.error(node, "a filter needs its module's file name (module: WdFilter.sys)");
        }
        String module = v.string(moduleNode, null);
        BigDecimal altitude;
        if (node.fields.containsKey("altitude")) {
            altitude = altitude(v, node.fields.get("altitude"), "altitude");
        } else {
            altitude = KnownModules.filter(module).map(k -> k.altitude()).orElseThrow(() -> v.error(node, module
                    + " is not in the table of known filters: give its altitude"));
        }
        FilterGroup group;
        try {
            group = node.fields.containsKey("group") ? FilterGroup.byLabel(v.string(node.fields.get("group"), null))
                    : FilterGroup.of(altitude).orElseThrow(() -> new IllegalArgumentException(module + " at "
                    + altitude.toPlainString() + " lies in no load order group's range: name its group"));
        } catch (IllegalArgumentException e) {
            throw v.error(node.fields.getOrDefault("group", node), e.getMessage());
        }
        Optional<Integer> frame = node.fields.containsKey("frameBytes")
                ? Optional.of(v.integer(node.fields.get("frameBytes"), 0, 16, 0x4000, "frameBytes"))
                : Optional.empty();
        if (frame.isPresent() && frame.get() % 16 != 0) {
            throw v.error(node.fields.get("frameBytes"), "frameBytes must be a multiple of 16 (an x64 frame), not "
                    + frame.get());
        }
        boolean skip = node.fields.containsKey("skipPagingIo") && v.bool(node.fields.get("skipPagingIo"),
                "skipPagingIo");
        boolean legacy = node.fields.containsKey("legacy") && v.bool(node.fields.get("legacy"), "legacy");
        if (skip && legacy) {
            throw v.error(node, module + ": a legacy filter has no registration flags to skip paging I/O with");
        }
        try {
            return new ResidentFilter(module, altitude, group, frame, skip, legacy);
        } catch (IllegalArgumentException e) {
            throw v.error(node, e.getMessage());
        }
    }

    static BigDecimal altitude(NodeValues v, LocatedNode node, String what) throws PlanException {
        String text = v.string(node, null);
        try {
            BigDecimal value = new BigDecimal(text.trim());
            if (value.signum() <= 0 || value.compareTo(new BigDecimal("1000000")) >= 0) {
                throw v.error(node, what + " must be a positive decimal below 1000000 (an altitude), not " + text);
            }
            if (value.stripTrailingZeros().scale() > 3) {
                throw v.error(node, what + " " + text + " has more than three decimal places, which the model does"
                        + " not tell apart");
            }
            return value.stripTrailingZeros().scale() < 0 ? value.setScale(0) : value.stripTrailingZeros();
        } catch (NumberFormatException e) {
            throw v.error(node, what + " must be a decimal number (an altitude such as 385100), not '" + text + "'");
        }
    }

    /** The block, {@code environment:} and its lines. */
    static void write(StringBuilder y, Environment e, List<SitePackage> packages) {
        y.append("environment:\n");
        e.build().ifPresent(b -> y.append("  build: ").append(b).append('\n'));
        e.architecture().ifPresent(a -> y.append("  architecture: ").append(Labels.label(a)).append('\n'));
        e.processors().ifPresent(p -> y.append("  processors: ").append(p).append('\n'));
        if (e.memoryMiB().isPresent()) {
            y.append("  memoryMiB: ").append(e.memoryMiB().get()).append('\n');
        } else {
            y.append("  # memoryMiB: unknown (no dump recorded it; a kernel memory dump's header does)\n");
        }
        y.append("  filterAltitude: ").append(e.filterAltitude().toPlainString())
                .append("    # ours: the filter under test\n");
        if (e.filters().isEmpty()) {
            y.append("  filters: []\n");
        } else {
            y.append("  filters:                # beside ours; frameBytes overrides the stack assumed for the group\n");
            for (ResidentFilter f : e.filters()) {
                y.append("    - ").append(filter(f, packages)).append("   # ").append(comment(f, e)).append('\n');
            }
        }
        if (!e.unknownModules().isEmpty()) {
            y.append("  # drivers no table knows, maybe filters: not modelled; move one to filters with its altitude"
                    + " if it is\n");
            y.append("  unknown: [").append(e.unknownModules().stream().map(PlanWriter::quote)
                    .collect(Collectors.joining(", "))).append("]\n");
        }
    }

    private static String filter(ResidentFilter f, List<SitePackage> packages) {
        List<String> parts = new ArrayList<>(List.of("module: " + PlanWriter.quote(f.module()),
                "altitude: " + f.altitude().toPlainString(), "group: " + f.group().label()));
        f.frameBytes().ifPresent(b -> parts.add("frameBytes: " + b));
        if (f.skipPagingIo()) {
            parts.add("skipPagingIo: true");
        }
        if (f.legacy()) {
            parts.add("legacy: true");
        }
        packages.stream().filter(p -> p.module().equals(f.module())).findFirst()
                .ifPresent(p -> parts.add("package: " + PlanWriter.quote(p.given())));
        return "{" + String.join(", ", parts) + "}";
    }

    private static String comment(ResidentFilter f, Environment e) {
        String what = KnownModules.filter(f.module()).map(k -> k.owner()).orElse("not in the table");
        String where = f.legacy() ? "legacy, above the filter manager" : f.above(e.filterAltitude()) ? "above ours"
                : "below ours";
        return what + "; " + where + "; " + f.frameBytes(e.groupFrames()) + " bytes"
                + (f.frameBytes().isPresent() || e.groupFrames().containsKey(f.group()) ? "" : " assumed");
    }
}
