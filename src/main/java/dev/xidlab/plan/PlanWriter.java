package dev.xidlab.plan;

import dev.xidlab.device.ModelOptions;
import dev.xidlab.load.OperationMix;
import dev.xidlab.load.StressProfile;
import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.protocol.Labels;
import dev.xidlab.protocol.RegistrationFlag;
import dev.xidlab.site.Environment;
import dev.xidlab.site.FilterGroup;
import dev.xidlab.site.KnownModules;
import dev.xidlab.site.ResidentFilter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Writes a plan as the YAML {@link PlanReader} reads, with comments a person can act on: what each co-resident
 * filter is, where it sits against ours and the stack assumed for it. What it writes reads back as the same plan.
 */
public final class PlanWriter {

    private PlanWriter() {
    }

    /** The plan's YAML, after {@code header} (comment lines, written with a leading '# '). */
    public static String write(Plan plan, List<String> header) {
        StringBuilder y = new StringBuilder();
        header.forEach(line -> y.append(line.isEmpty() ? "#" : "# " + line).append('\n'));
        y.append("name: ").append(quote(plan.name())).append('\n');
        y.append("runs: ").append(plan.runs()).append('\n');
        y.append("seed: ").append(plan.seed()).append('\n');
        y.append("threshold: ").append(number(plan.threshold())).append('\n');
        y.append("maxCoverageLoss: ").append(number(plan.maxCoverageLoss())).append('\n');
        y.append("stress: ").append(stress(plan.baseline().stress())).append('\n');
        y.append("configurations:\n");
        for (PlannedConfig c : plan.configs()) {
            y.append("  - ").append(config(c)).append('\n');
        }
        String model = model(plan.model(), plan.environment().map(Environment::groupFrames).orElse(java.util.Map.of()));
        if (!model.isEmpty()) {
            y.append("model: {").append(model).append("}\n");
        }
        plan.environment().ifPresent(e -> environment(y, e));
        return y.toString();
    }

    private static String stress(StressProfile s) {
        List<String> parts = new ArrayList<>(List.of("workers: " + s.workers(), "processes: " + s.processes(),
                "pressure: " + Labels.label(s.pressure())));
        if (s.budget().operations() > 0) {
            parts.add("operations: " + s.budget().operations());
        }
        if (s.budget().time() != null) {
            parts.add("seconds: " + s.budget().time().toSeconds());
        }
        if (!s.mix().equals(OperationMix.typical())) {
            parts.add("mix: {create: " + s.mix().createPercent() + ", read: " + s.mix().readPercent() + ", write: "
                    + s.mix().writePercent() + "}");
        }
        return "{" + String.join(", ", parts) + "}";
    }

    private static String config(PlannedConfig c) {
        DriverConfig d = c.driver();
        List<String> parts = new ArrayList<>();
        parts.add("name: " + quote(c.name()));
        if (c.role() == Role.BASELINE) {
            parts.add("role: baseline");
        }
        parts.add("mode: " + Labels.label(d.xidMode()));
        Set<Set<RegistrationFlag>> distinct = new HashSet<>(d.registration().values());
        if (distinct.size() == 1) {
            Set<RegistrationFlag> all = distinct.iterator().next();
            if (!all.isEmpty()) {
                parts.add("skip: " + Labels.formatSet(all));
            }
        } else {
            parts.add("skipFor: {" + d.registration().entrySet().stream()
                    .map(e -> Labels.label(e.getKey()) + ": " + Labels.formatSet(e.getValue()))
                    .collect(Collectors.joining(", ")) + "}");
        }
        if (!d.guard().isEmpty()) {
            parts.add("guard: " + Labels.formatSet(d.guard()));
        }
        if (d.guardStackThreshold() != 0) {
            parts.add("guardStack: " + d.guardStackThreshold());
        }
        if (d.selfTest()) {
            parts.add("selfTest: true");
        }
        if (c.ownLoad()) {
            parts.add("load: own");
            parts.add("stress: " + stress(c.stress()));
        }
        return "{" + String.join(", ", parts) + "}";
    }

    private static String model(ModelOptions m, java.util.Map<FilterGroup, Integer> groupFrames) {
        ModelOptions d = ModelOptions.DEFAULTS;
        List<String> parts = new ArrayList<>();
        if (m.dump() != d.dump()) {
            parts.add("dump: " + Labels.label(m.dump()));
        }
        if (m.pagingPath() != d.pagingPath()) {
            parts.add("pagingPath: " + Labels.label(m.pagingPath()));
        }
        if (m.sameThreadFault() != d.sameThreadFault()) {
            parts.add("sameThreadFault: " + Labels.label(m.sameThreadFault()));
        }
        if (m.pagingRequestor() != d.pagingRequestor()) {
            parts.add("pagingRequestor: " + Labels.label(m.pagingRequestor()));
        }
        if (!groupFrames.isEmpty()) {
            parts.add("filterFrames: {" + groupFrames.entrySet().stream()
                    .sorted(java.util.Map.Entry.comparingByKey(java.util.Comparator.comparing(FilterGroup::label)))
                    .map(e -> e.getKey().label() + ": " + e.getValue()).collect(Collectors.joining(", ")) + "}");
        }
        return String.join(", ", parts);
    }

    private static void environment(StringBuilder y, Environment e) {
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
                y.append("    - ").append(filter(f)).append("   # ").append(comment(f, e)).append('\n');
            }
        }
        if (!e.unknownModules().isEmpty()) {
            y.append("  # drivers no table knows, maybe filters: not modelled; move one to filters with its altitude"
                    + " if it is\n");
            y.append("  unknown: [").append(e.unknownModules().stream().map(PlanWriter::quote)
                    .collect(Collectors.joining(", "))).append("]\n");
        }
    }

    private static String filter(ResidentFilter f) {
        List<String> parts = new ArrayList<>(List.of("module: " + quote(f.module()),
                "altitude: " + f.altitude().toPlainString(), "group: " + f.group().label()));
        f.frameBytes().ifPresent(b -> parts.add("frameBytes: " + b));
        if (f.skipPagingIo()) {
            parts.add("skipPagingIo: true");
        }
        if (f.legacy()) {
            parts.add("legacy: true");
        }
        return "{" + String.join(", ", parts) + "}";
    }

    private static String comment(ResidentFilter f, Environment e) {
        String what = KnownModules.filter(f.module()).map(k -> k.owner()).orElse("not in the table");
        String where = f.legacy() ? "legacy, above the filter manager" : f.above(e.filterAltitude()) ? "above ours"
                : "below ours";
        return what + "; " + where + "; " + f.frameBytes(e.groupFrames()) + " bytes"
                + (f.frameBytes().isPresent() || e.groupFrames().containsKey(f.group()) ? "" : " assumed");
    }

    /** A YAML scalar that stays a string: quoted when plain YAML could read it as something else. */
    static String quote(String text) {
        if (text.matches("[A-Za-z_][A-Za-z0-9._-]*") && !Set.of("true", "false", "yes", "no", "on", "off", "null",
                "y", "n").contains(text.toLowerCase(Locale.ROOT))) {
            return text;
        }
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String number(double value) {
        String text = String.valueOf(value);
        return text.endsWith(".0") ? text.substring(0, text.length() - 2) : text;
    }
}
