package dev.xidlab.plan;

import dev.xidlab.lab.ForeignDriver;
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
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The {@code configurations:} list: a baseline and its fixes, each a driver configuration on the baseline's load
 * unless it says {@code load: own}. A fix's own {@code stress} block without {@code load: own} is refused: a lighter
 * load must never pass as a fix.
 */
final class ConfigurationsBlock {

    private static final Set<String> KEYS = Set.of("name", "role", "mode", "skip", "skipFor", "guard", "guardStack",
            "selfTest", "load", "stress", "driver", "probe");
    /** xidfilter's own settings: a configuration that runs the user's driver has none of them. */
    private static final List<String> XIDFILTER_KEYS = List.of("mode", "skip", "skipFor", "guard", "guardStack",
            "selfTest");
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
        LocatedNode control = null;
        for (LocatedNode c : configs.items) {
            PlannedConfig config = config(v, c, stress);
            if (config.role() == Role.CONTROL) {
                if (control != null) {
                    throw v.error(c, "a plan has at most one control (role: control); the first is on line "
                            + control.line);
                }
                control = c;
            }
            planned.add(config);
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
            if (c.role() != Role.BASELINE && !c.ownLoad() && node.fields.containsKey("stress")) {
                throw v.error(node.fields.get("stress"), "'" + c.name() + "' has a stress block of its own: every"
                        + " configuration runs the baseline's load, so a lighter load cannot pass for a fix; say"
                        + " 'load: own' to compare across loads (its verdict is then at most INCONCLUSIVE)");
            }
            result.add(c.ownLoad() || c.role() == Role.BASELINE ? c : c.withStress(load));
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
            if (ownLoad && role != Role.FIX) {
                throw v.error(load, "the baseline's load is the one every fix is compared on: 'load: own' is for"
                        + " fixes");
            }
        }
        Optional<ForeignDriver> foreign = node.fields.containsKey("driver")
                ? Optional.of(DriverPackage.read(v, node.fields.get("driver"))) : Optional.empty();
        if (foreign.isPresent()) {
            for (String key : XIDFILTER_KEYS) {
                if (node.fields.containsKey(key)) {
                    throw v.error(node.fields.get(key), "'" + key + "' is xidfilter's setting: '" + name + "' runs"
                            + " the driver package it names (driver:)");
                }
            }
        }
        if (role == Role.CONTROL && foreign.isPresent()) {
            throw v.error(node.fields.get("driver"), "the control is xidfilter in lookup mode, the positive control"
                    + " of this lab and load: it has no driver package");
        }
        if (role == Role.CONTROL && !config.equals(DriverConfig.fieldDefault())) {
            throw v.error(node, "the control is xidfilter as the field runs it (mode: lookup, no skip, guard or"
                    + " selfTest): it must reach the crash if this lab and load can");
        }
        Optional<String> probe = Optional.empty();
        LocatedNode probeNode = node.fields.get("probe");
        if (probeNode != null) {
            String command = v.string(probeNode, null);
            if (command == null || command.isBlank()) {
                throw v.error(probeNode, "probe must be a command the guest runs (exit 0: the filter does its job)");
            }
            if (role == Role.CONTROL) {
                throw v.error(probeNode, "the control is xidfilter, whose telemetry is its coverage: it takes no"
                        + " probe");
            }
            probe = Optional.of(command);
        }
        return new PlannedConfig(name, role, config, StressBlock.read(v, node.fields.get("stress"), planStress),
                ownLoad, foreign, probe);
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
        if (c.role() != Role.FIX) {
            parts.add("role: " + c.role().label());
        }
        if (c.foreign().isPresent()) {
            parts.add("driver: " + DriverPackage.write(c.foreign().get()));
            c.probe().ifPresent(p -> parts.add("probe: " + PlanWriter.quote(p)));
            return written(c, parts);
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
        c.probe().ifPresent(p -> parts.add("probe: " + PlanWriter.quote(p)));
        return written(c, parts);
    }

    private static String written(PlannedConfig c, List<String> parts) {
        if (c.ownLoad()) {
            parts.add("load: own");
            parts.add("stress: " + StressBlock.write(c.stress()));
        }
        return "{" + String.join(", ", parts) + "}";
    }
}
