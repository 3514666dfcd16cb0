package dev.xidlab.plan;

import dev.xidlab.site.Environment;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Writes a plan as the YAML {@link PlanReader} reads, block by block (each block's writer sits with its reader), with
 * comments a person can act on. What it writes reads back as the same plan ({@code PlanRoundTripTest}).
 */
public final class PlanWriter {

    private PlanWriter() {
    }

    /** The plan's YAML, after {@code header} (comment lines, written with a leading '# '). */
    public static String write(Plan plan, List<String> header) {
        StringBuilder y = new StringBuilder();
        header.forEach(line -> y.append(line.isEmpty() ? "#" : "# " + line).append('\n'));
        TopLevelBlock.write(y, plan);
        y.append("stress: ").append(StressBlock.write(plan.baseline().stress())).append('\n');
        ConfigurationsBlock.write(y, plan.configs());
        String model = ModelBlock.write(plan.model(), plan.environment().map(Environment::groupFrames)
                .orElse(Map.of()));
        if (!model.isEmpty()) {
            y.append("model: {").append(model).append("}\n");
        }
        plan.environment().ifPresent(e -> EnvironmentBlock.write(y, e, plan.sitePackages()));
        return y.toString();
    }

    /** A YAML scalar that stays a string: quoted when plain YAML could read it as something else. */
    static String quote(String text) {
        if (text.matches("[A-Za-z_][A-Za-z0-9._-]*") && !Set.of("true", "false", "yes", "no", "on", "off", "null",
                "y", "n").contains(text.toLowerCase(Locale.ROOT))) {
            return text;
        }
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
