package dev.xidlab.plan;

import dev.xidlab.load.StressProfile;
import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.protocol.GuardFlag;
import dev.xidlab.protocol.Labels;
import dev.xidlab.protocol.Operation;
import dev.xidlab.protocol.RegistrationFlag;
import dev.xidlab.protocol.XidMode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code configurations:} list: a baseline and its fixes, each a driver configuration on the baseline's load
 * unless it says {@code load: own}. A fix's own {@code stress} block without {@code load: own} is refused: a lighter
 * load must never pass as a fix.
 */
final class ConfigurationsBlock {

    private static final Set<String> KEYS = Set.of("name", "role", "mode", "skip", "skipFor", "guard", "guardStack",
            "selfTest", "load", "stress");
    private static final String LOAD_OWN = "own";
    private static final String LOAD_BASELINE = "baseline";

    private ConfigurationsBlock() {
    }

    /** The configurations, each on the plan's load unless it brings its own ({@link #onTheBaselinesLoad}). */
    static List<PlannedConfig> read(NodeValues v, LocatedNode root, LocatedNode configs, StressProfile stress)
            throws PlanException {
        if (configs == null) {
            // Missing, it has no line of its own: any error on a line of the file comes first.
            throw new PlanException(v.file() + " line " + root.line
                    + ": 'configurations' must list at least a baseline", Integer.MAX_VALUE);
        }
        if (configs.kind != LocatedNode.Kind.ARRAY || configs.items.isEmpty()) {
            throw v.error(configs, "'configurations' must list at least a baseline");
        }
        List<PlannedConfig> planned = new ArrayList<>();
        for (LocatedNode c : configs.items) {
            planned.add(config(v, c, stress));
        }
        return onTheBaselinesLoad(v, configs, planned);
    }

    /**
     * Gives every configuration without {@code load: own} the baseline's load (the plan's stress, or the baseline's
     * own block), refusing a fix that brings a stress block of its own without saying so.
     */
    private static List<PlannedConfig> onTheBaselinesLoad(NodeValues v, LocatedNode configs,
                                                          List<PlannedConfig> planned) throws PlanException {
        List<PlannedConfig> baselines = planned.stream().filter(c -> c.role() == Role.BASELINE).toList();
        if (baselines.size() != 1) {
            return planned;         // the plan refuses it, with the reason
        }
        StressProfile load = baselines.get(0).stress();
        List<PlannedConfig> result = new ArrayList<>();
        for (int i = 0; i < planned.size(); i++) {
            PlannedConfig c = planned.get(i);
            LocatedNode node = configs.items.get(i);
            if (c.role() == Role.FIX && !c.ownLoad() && node.fields.containsKey("stress")) {
                throw v.error(node.fields.get("stress"), "'" + c.name() + "' has a stress block of its own: every"
                        + " configuration runs the baseline's load, so a lighter load cannot pass for a fix; say"
                        + " 'load: own' to compare across loads (its verdict is then at most INCONCLUSIVE)");
            }
            result.add(c.ownLoad() || c.role() == Role.BASELINE ? c
                    : new PlannedConfig(c.name(), c.role(), c.driver(), load, false));
        }
        return result;
    }

    private static PlannedConfig config(NodeValues v, LocatedNode node, StressProfile planStress)
            throws PlanException {
        v.object(node, "a configuration", KEYS);
        LocatedNode nameNode = node.fields.get("name");
        if (nameNode == null) {
            throw v.error(node, "a configuration needs a name");
        }
        String name = v.string(nameNode, null);
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw v.error(nameNode, "configuration name '" + name + "' must be letters, digits, '.', '_' or '-'");
        }
        Role role = v.label(node.fields.get("role"), Role.class, "role", Role.FIX);
        DriverConfig config = DriverConfig.fieldDefault()
                .withXidMode(v.label(node.fields.get("mode"), XidMode.class, "Xid mode", XidMode.LOOKUP));
        if (node.fields.containsKey("skip")) {
            config = config.withRegistrationForAll(v.flags(node.fields.get("skip"), RegistrationFlag.class,
                    "registration flag"));
        }
        LocatedNode skipFor = node.fields.get("skipFor");
        if (skipFor != null) {
            v.object(skipFor, "skipFor", Set.of("create", "read", "write"));
            for (var e : skipFor.fields.entrySet()) {
                config = config.withRegistration(Labels.parse(Operation.class, e.getKey(), "operation"),
                        v.flags(e.getValue(), RegistrationFlag.class, "registration flag"));
            }
        }
        Set<GuardFlag> guard = node.fields.containsKey("guard")
                ? v.flags(node.fields.get("guard"), GuardFlag.class, "guard") : Set.of();
        int guardStack = v.integer(node.fields.get("guardStack"), 0, 0, Integer.MAX_VALUE, "guardStack");
        try {
            config = config.withGuard(guard, guardStack);
        } catch (IllegalArgumentException e) {
            throw v.error(node.fields.getOrDefault("guardStack", node), e.getMessage());
        }
        if (node.fields.containsKey("selfTest")) {
            config = config.withSelfTest(v.bool(node.fields.get("selfTest"), "selfTest"));
        }
        boolean ownLoad = false;
        LocatedNode load = node.fields.get("load");
        if (load != null) {
            String value = v.string(load, null);
            if (!value.equals(LOAD_OWN) && !value.equals(LOAD_BASELINE)) {
                throw v.error(load, "load must be 'baseline' (the default) or 'own', not '" + value + "'");
            }
            ownLoad = value.equals(LOAD_OWN);
            if (ownLoad && role == Role.BASELINE) {
                throw v.error(load, "the baseline's load is the one every fix is compared on: 'load: own' is for"
                        + " fixes");
            }
        }
        return new PlannedConfig(name, role, config, StressBlock.read(v, node.fields.get("stress"), planStress),
                ownLoad);
    }

    /** The list, {@code configurations:} and one flow mapping per configuration. */
    static void write(StringBuilder y, List<PlannedConfig> configs) {
        y.append("configurations:\n");
        for (PlannedConfig c : configs) {
            y.append("  - ").append(config(c)).append('\n');
        }
    }

    private static String config(PlannedConfig c) {
        DriverConfig d = c.driver();
        List<String> parts = new ArrayList<>();
        parts.add("name: " + PlanWriter.quote(c.name()));
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
            parts.add("stress: " + StressBlock.write(c.stress()));
        }
        return "{" + String.join(", ", parts) + "}";
    }
}
