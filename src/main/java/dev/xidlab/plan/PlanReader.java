package dev.xidlab.plan;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.xidlab.device.ModelOptions;
import dev.xidlab.dump.Machine;
import dev.xidlab.io.InputFile;
import dev.xidlab.load.Budget;
import dev.xidlab.load.MemoryPressure;
import dev.xidlab.load.OperationMix;
import dev.xidlab.load.StressProfile;
import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.protocol.GuardFlag;
import dev.xidlab.protocol.Labels;
import dev.xidlab.protocol.Operation;
import dev.xidlab.protocol.RegistrationFlag;
import dev.xidlab.protocol.XidMode;
import dev.xidlab.site.Environment;
import dev.xidlab.site.FilterGroup;
import dev.xidlab.site.KnownModules;
import dev.xidlab.site.ResidentFilter;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a plan file (YAML, or JSON for *.json). Unknown keys, impossible values and unknown mode or flag names
 * are refused with the file and line, before anything runs. The keys:
 *
 * <pre>
 * name: my-fix            runs: 40          seed: 1          threshold: 0.1       maxCoverageLoss: 0.05
 * stress: {workers: 4, processes: 32, pressure: high, operations: 20000, seconds: 60,
 *          mix: {create: 20, read: 60, write: 20}}              # every key optional
 * configurations:
 *   - {name: field, role: baseline, mode: lookup, stress: {...}}   # the baseline's stress is everyone's load
 *   - {name: fix, mode: lookup, skip: skip-paging-io, skipFor: {read: skip-paging-io},
 *      guard: nesting, guardStack: 4096, selfTest: false}
 *   - {name: other, load: own, stress: {...}}                      # its own load: at most INCONCLUSIVE
 * model: {dump: kernel, pagingPath: store, sameThreadFault: wait, pagingRequestor: any-process,
 *         filterFrames: {anti-virus: 4096}}                        # the kernel model's; every key optional
 * environment:                                                      # a customer's site (xidlab crashes profile)
 *   build: 19041          architecture: x64     processors: 16      memoryMiB: 16384
 *   filterAltitude: 385100                                          # ours
 *   filters:                                                        # co-resident filters, on the model's stack
 *     - {module: WdFilter.sys, altitude: 328010, group: anti-virus, frameBytes: 2048, skipPagingIo: false,
 *        legacy: false}                                             # group and frame: the altitude's by default
 *   unknown: [VBoxDrv.sys]                                          # listed, not modelled
 * </pre>
 *
 * A fix's own {@code stress} block without {@code load: own} is refused: a lighter load must never pass as a fix.
 */
public final class PlanReader {

    private static final Set<String> ROOT_KEYS = Set.of("name", "runs", "seed", "threshold", "maxCoverageLoss",
            "stress", "configurations", "model", "environment");
    private static final Set<String> MODEL_KEYS = Set.of("dump", "pagingPath", "sameThreadFault",
            "pagingRequestor", "filterFrames");
    private static final Set<String> ENVIRONMENT_KEYS = Set.of("build", "architecture", "processors", "memoryMiB",
            "filterAltitude", "filters", "unknown");
    private static final Set<String> FILTER_KEYS = Set.of("module", "altitude", "group", "frameBytes",
            "skipPagingIo", "legacy");
    private static final Set<String> CONFIG_KEYS = Set.of("name", "role", "mode", "skip", "skipFor", "guard",
            "guardStack", "selfTest", "load", "stress");
    private static final String LOAD_OWN = "own";
    private static final String LOAD_BASELINE = "baseline";
    private static final Set<String> STRESS_KEYS = Set.of("workers", "processes", "pressure", "operations",
            "seconds", "mix");
    private static final Set<String> MIX_KEYS = Set.of("create", "read", "write");

    private static final String NOT_TEXT = "not UTF-8 text (a plan is a YAML or JSON text file)";

    private final String file;

    private PlanReader(String file) {
        this.file = file;
    }

    public static Plan read(Path path) throws PlanException {
        Optional<String> problem = InputFile.problem(path);
        if (problem.isPresent()) {
            throw new PlanException(path + ": " + problem.get());
        }
        String text;
        try {
            text = Files.readString(path);
        } catch (CharacterCodingException e) {
            throw new PlanException(path + ": " + NOT_TEXT);
        } catch (IOException e) {
            throw new PlanException(path + ": cannot read the plan: " + InputFile.reason(e));
        }
        if (text.indexOf('\0') >= 0) {
            throw new PlanException(path + ": " + NOT_TEXT);     // valid UTF-8, but no text has a NUL in it
        }
        return parse(text, path.toString(), path.toString().toLowerCase(Locale.ROOT).endsWith(".json"));
    }

    public static Plan parse(String text, String file, boolean json) throws PlanException {
        return new PlanReader(file).plan(text, json);
    }

    private Plan plan(String text, boolean json) throws PlanException {
        LocatedNode root;
        JsonFactory factory = json ? new JsonFactory() : new YAMLFactory();
        JsonParser parser = null;
        try (JsonParser p = factory.createParser(text)) {
            parser = p;
            if (p.nextToken() == null) {
                throw new PlanException(file + ": the plan is empty");
            }
            root = LocatedNode.read(p, file);
            if (p.nextToken() != null) {
                throw new PlanException(file + " line " + p.currentTokenLocation().getLineNr()
                        + ": more than one document");
            }
        } catch (StreamConstraintsException e) {
            // The parser's own limits (nesting, a number's length) come without a location: the parser has it.
            String where = parser == null ? "" : " line " + parser.currentLocation().getLineNr();
            throw new PlanException(file + where + ": not a plan: " + (e.getMessage().contains("nesting depth")
                    ? "lists or mappings nested more than " + StreamReadConstraints.defaults().getMaxNestingDepth()
                    + " levels deep" : e.getOriginalMessage()));
        } catch (JsonProcessingException e) {
            throw new PlanException(file + (e.getLocation() == null ? "" : " line " + e.getLocation().getLineNr())
                    + ": " + e.getOriginalMessage().lines().findFirst().orElse("syntax error"));
        } catch (IOException e) {
            throw new PlanException(file + ": " + e.getMessage());
        }
        if (root.kind != LocatedNode.Kind.OBJECT) {
            throw error(root, "the plan must be a mapping of keys to values");
        }
        // Each part of the plan is read on its own and the error on the earliest line is reported: a wrong type in
        // runs: on line 2 is what a user fixes first, not the configuration that happens to be checked before it.
        FirstError first = new FirstError();
        first.check(() -> object(root, "the plan", ROOT_KEYS));
        String name = first.value(() -> string(root.fields.get("name"), "plan"), "plan");
        int runs = first.value(() -> integer(root.fields.get("runs"), DefaultPlan.RUNS, 1, Plan.MAX_RUNS, "runs"),
                DefaultPlan.RUNS);
        long seed = first.value(() -> root.fields.containsKey("seed") ? longValue(root.fields.get("seed"), "seed")
                : DefaultPlan.SEED, DefaultPlan.SEED);
        double threshold = first.value(() -> decimal(root.fields.get("threshold"), DefaultPlan.THRESHOLD,
                "threshold"), DefaultPlan.THRESHOLD);
        double maxLoss = first.value(() -> maxCoverageLoss(root.fields.get("maxCoverageLoss")),
                Plan.DEFAULT_MAX_COVERAGE_LOSS);
        StressProfile stress = first.value(() -> stress(root.fields.get("stress"), DefaultPlan.stress()),
                DefaultPlan.stress());
        LocatedNode configs = root.fields.get("configurations");
        List<PlannedConfig> planned = first.value(() -> configurations(root, configs, stress), List.of());
        Optional<Environment> environment = first.value(() -> environment(root.fields.get("environment")),
                Optional.empty());
        Map<FilterGroup, Integer> groupFrames = first.value(() -> groupFrames(root.fields.get("model"),
                root.fields.containsKey("environment")), Map.of());
        ModelOptions model = first.value(() -> model(root.fields.get("model")), ModelOptions.DEFAULTS);
        first.throwIfAny();
        Plan plan;
        try {
            plan = new Plan(name, planned, runs, seed, threshold, maxLoss, model);
        } catch (IllegalArgumentException e) {
            throw error(configs, e.getMessage());
        }
        if (environment.isEmpty()) {
            return plan;
        }
        LocatedNode at = root.fields.get("environment");
        try {
            return plan.withEnvironment(environment.get().withGroupFrames(groupFrames));
        } catch (IllegalArgumentException e) {
            throw error(at, "the kernel model cannot stand for this environment: " + e.getMessage());
        }
    }

    /** The coverage loss a fix may show, at most {@link Plan#MAX_COVERAGE_LOSS}. */
    private double maxCoverageLoss(LocatedNode node) throws PlanException {
        if (node == null) {
            return Plan.DEFAULT_MAX_COVERAGE_LOSS;
        }
        double maxLoss = share(node, "maxCoverageLoss");
        if (maxLoss > Plan.MAX_COVERAGE_LOSS) {
            throw error(node, Plan.coverageLossAboveCap(node.text));
        }
        return maxLoss;
    }

    /** The configurations, each on the plan's load unless it brings its own ({@link #onTheBaselinesLoad}). */
    private List<PlannedConfig> configurations(LocatedNode root, LocatedNode configs, StressProfile stress)
            throws PlanException {
        if (configs == null) {
            // Missing, it has no line of its own: any error on a line of the file comes first.
            throw new PlanException(file + " line " + root.line + ": 'configurations' must list at least a baseline",
                    Integer.MAX_VALUE);
        }
        if (configs.kind != LocatedNode.Kind.ARRAY || configs.items.isEmpty()) {
            throw error(configs, "'configurations' must list at least a baseline");
        }
        List<PlannedConfig> planned = new ArrayList<>();
        for (LocatedNode c : configs.items) {
            planned.add(config(c, stress));
        }
        return onTheBaselinesLoad(configs, planned);
    }

    /** A part of the plan read; a PlanException is its error. */
    @FunctionalInterface
    private interface Part<T> {
        T read() throws PlanException;
    }

    /** A check of the plan; a PlanException is its error. */
    @FunctionalInterface
    private interface Check {
        void run() throws PlanException;
    }

    /** Reads parts, keeping the error on the earliest line (the first one read on a tie). */
    private static final class FirstError {
        private PlanException first;

        <T> T value(Part<T> part, T fallback) {
            try {
                return part.read();
            } catch (PlanException e) {
                if (first == null || e.line() < first.line()) {
                    first = e;
                }
                return fallback;
            }
        }

        void check(Check check) {
            value(() -> {
                check.run();
                return null;
            }, null);
        }

        void throwIfAny() throws PlanException {
            if (first != null) {
                throw first;
            }
        }
    }

    /**
     * A site's {@code environment:} block. A filter's group is its altitude's load order group unless it names one;
     * a filter the table knows may leave out its altitude (the allocated one is taken).
     */
    private Optional<Environment> environment(LocatedNode node) throws PlanException {
        if (node == null) {
            return Optional.empty();
        }
        object(node, "environment", ENVIRONMENT_KEYS);
        Map<String, LocatedNode> f = node.fields;
        Optional<Integer> build = f.containsKey("build")
                ? Optional.of(integer(f.get("build"), 0, 1, 0xFFFFFF, "build")) : Optional.empty();
        Optional<Machine> architecture = f.containsKey("architecture")
                ? Optional.of(parse(f.get("architecture"), Machine.class, "architecture", null)) : Optional.empty();
        Optional<Integer> processors = f.containsKey("processors")
                ? Optional.of(integer(f.get("processors"), 0, 1, 1024, "processors")) : Optional.empty();
        Optional<Integer> memory = f.containsKey("memoryMiB")
                ? Optional.of(integer(f.get("memoryMiB"), 0, 64, 16 * 1024 * 1024, "memoryMiB")) : Optional.empty();
        BigDecimal ours = f.containsKey("filterAltitude") ? altitude(f.get("filterAltitude"), "filterAltitude")
                : Environment.XIDFILTER_ALTITUDE;
        List<ResidentFilter> filters = new ArrayList<>();
        LocatedNode list = f.get("filters");
        if (list != null) {
            if (list.kind != LocatedNode.Kind.ARRAY) {
                throw error(list, "filters must be a list of {module, altitude, ...}");
            }
            for (LocatedNode item : list.items) {
                filters.add(filter(item));
            }
        }
        List<String> unknown = new ArrayList<>();
        LocatedNode unknownNode = f.get("unknown");
        if (unknownNode != null) {
            if (unknownNode.kind != LocatedNode.Kind.ARRAY) {
                throw error(unknownNode, "unknown must be a list of module names");
            }
            for (LocatedNode item : unknownNode.items) {
                unknown.add(string(item, null));
            }
        }
        try {
            return Optional.of(new Environment(build, architecture, processors, memory, ours, filters, unknown,
                    Map.of()));
        } catch (IllegalArgumentException e) {
            throw error(node, e.getMessage());
        }
    }

    private ResidentFilter filter(LocatedNode node) throws PlanException {
        object(node, "a filter", FILTER_KEYS);
        LocatedNode moduleNode = node.fields.get("module");
        if (moduleNode == null) {
            throw error(node, "a filter needs its module's file name (module: WdFilter.sys)");
        }
        String module = string(moduleNode, null);
        BigDecimal altitude;
        if (node.fields.containsKey("altitude")) {
            altitude = altitude(node.fields.get("altitude"), "altitude");
        } else {
            altitude = KnownModules.filter(module).map(k -> k.altitude()).orElseThrow(() -> error(node, module
                    + " is not in the table of known filters: give its altitude"));
        }
        FilterGroup group;
        try {
            group = node.fields.containsKey("group") ? FilterGroup.byLabel(string(node.fields.get("group"), null))
                    : FilterGroup.of(altitude).orElseThrow(() -> new IllegalArgumentException(module + " at "
                    + altitude.toPlainString() + " lies in no load order group's range: name its group"));
        } catch (IllegalArgumentException e) {
            throw error(node.fields.getOrDefault("group", node), e.getMessage());
        }
        Optional<Integer> frame = node.fields.containsKey("frameBytes")
                ? Optional.of(integer(node.fields.get("frameBytes"), 0, 16, 0x4000, "frameBytes")) : Optional.empty();
        if (frame.isPresent() && frame.get() % 16 != 0) {
            throw error(node.fields.get("frameBytes"), "frameBytes must be a multiple of 16 (an x64 frame), not "
                    + frame.get());
        }
        boolean skip = node.fields.containsKey("skipPagingIo") && bool(node.fields.get("skipPagingIo"),
                "skipPagingIo");
        boolean legacy = node.fields.containsKey("legacy") && bool(node.fields.get("legacy"), "legacy");
        if (skip && legacy) {
            throw error(node, module + ": a legacy filter has no registration flags to skip paging I/O with");
        }
        try {
            return new ResidentFilter(module, altitude, group, frame, skip, legacy);
        } catch (IllegalArgumentException e) {
            throw error(node, e.getMessage());
        }
    }

    /** {@code model: {filterFrames: {anti-virus: 4096}}}: the stack the plan gives a group's filters. */
    private Map<FilterGroup, Integer> groupFrames(LocatedNode model, boolean haveEnvironment) throws PlanException {
        LocatedNode node = model == null ? null : model.fields.get("filterFrames");
        if (node == null) {
            return Map.of();
        }
        if (!haveEnvironment) {
            throw error(node, "filterFrames sets the stack of the co-resident filters of an environment: the plan"
                    + " has no environment block");
        }
        if (node.kind != LocatedNode.Kind.OBJECT) {
            throw error(node, "filterFrames must map groups to bytes ({anti-virus: 4096})");
        }
        Map<FilterGroup, Integer> frames = new LinkedHashMap<>();
        for (var e : node.fields.entrySet()) {
            FilterGroup group;
            try {
                group = FilterGroup.byLabel(e.getKey());
            } catch (IllegalArgumentException x) {
                throw error(e.getValue(), x.getMessage());
            }
            int bytes = integer(e.getValue(), 0, 16, 0x4000, "frame bytes of " + group.label());
            if (bytes % 16 != 0) {
                throw error(e.getValue(), "frame bytes of " + group.label() + " must be a multiple of 16 (an x64"
                        + " frame), not " + bytes);
            }
            frames.put(group, bytes);
        }
        return frames;
    }

    private BigDecimal altitude(LocatedNode node, String what) throws PlanException {
        String text = string(node, null);
        try {
            BigDecimal value = new BigDecimal(text.trim());
            if (value.signum() <= 0 || value.compareTo(new BigDecimal("1000000")) >= 0) {
                throw error(node, what + " must be a positive decimal below 1000000 (an altitude), not " + text);
            }
            if (value.stripTrailingZeros().scale() > 3) {
                throw error(node, what + " " + text + " has more than three decimal places, which the model does not"
                        + " tell apart");
            }
            return value.stripTrailingZeros().scale() < 0 ? value.setScale(0) : value.stripTrailingZeros();
        } catch (NumberFormatException e) {
            throw error(node, what + " must be a decimal number (an altitude such as 385100), not '" + text + "'");
        }
    }

    /**
     * Gives every configuration without {@code load: own} the baseline's load (the plan's stress, or the baseline's
     * own block), refusing a fix that brings a stress block of its own without saying so.
     */
    private List<PlannedConfig> onTheBaselinesLoad(LocatedNode configs, List<PlannedConfig> planned)
            throws PlanException {
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
                throw error(node.fields.get("stress"), "'" + c.name() + "' has a stress block of its own: every"
                        + " configuration runs the baseline's load, so a lighter load cannot pass for a fix; say"
                        + " 'load: own' to compare across loads (its verdict is then at most INCONCLUSIVE)");
            }
            result.add(c.ownLoad() || c.role() == Role.BASELINE ? c
                    : new PlannedConfig(c.name(), c.role(), c.driver(), load, false));
        }
        return result;
    }

    private PlannedConfig config(LocatedNode node, StressProfile planStress) throws PlanException {
        object(node, "a configuration", CONFIG_KEYS);
        LocatedNode nameNode = node.fields.get("name");
        if (nameNode == null) {
            throw error(node, "a configuration needs a name");
        }
        String name = string(nameNode, null);
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
            throw error(nameNode, "configuration name '" + name + "' must be letters, digits, '.', '_' or '-'");
        }
        Role role = parse(node.fields.get("role"), Role.class, "role", Role.FIX);
        DriverConfig config = DriverConfig.fieldDefault()
                .withXidMode(parse(node.fields.get("mode"), XidMode.class, "Xid mode", XidMode.LOOKUP));
        if (node.fields.containsKey("skip")) {
            config = config.withRegistrationForAll(flags(node.fields.get("skip"), RegistrationFlag.class,
                    "registration flag"));
        }
        LocatedNode skipFor = node.fields.get("skipFor");
        if (skipFor != null) {
            object(skipFor, "skipFor", Set.of("create", "read", "write"));
            for (var e : skipFor.fields.entrySet()) {
                config = config.withRegistration(Labels.parse(Operation.class, e.getKey(), "operation"),
                        flags(e.getValue(), RegistrationFlag.class, "registration flag"));
            }
        }
        Set<GuardFlag> guard = node.fields.containsKey("guard")
                ? flags(node.fields.get("guard"), GuardFlag.class, "guard") : Set.of();
        int guardStack = integer(node.fields.get("guardStack"), 0, 0, Integer.MAX_VALUE, "guardStack");
        try {
            config = config.withGuard(guard, guardStack);
        } catch (IllegalArgumentException e) {
            throw error(node.fields.getOrDefault("guardStack", node), e.getMessage());
        }
        if (node.fields.containsKey("selfTest")) {
            config = config.withSelfTest(bool(node.fields.get("selfTest"), "selfTest"));
        }
        boolean ownLoad = false;
        LocatedNode load = node.fields.get("load");
        if (load != null) {
            String value = string(load, null);
            if (!value.equals(LOAD_OWN) && !value.equals(LOAD_BASELINE)) {
                throw error(load, "load must be 'baseline' (the default) or 'own', not '" + value + "'");
            }
            ownLoad = value.equals(LOAD_OWN);
            if (ownLoad && role == Role.BASELINE) {
                throw error(load, "the baseline's load is the one every fix is compared on: 'load: own' is for fixes");
            }
        }
        return new PlannedConfig(name, role, config, stress(node.fields.get("stress"), planStress), ownLoad);
    }

    private ModelOptions model(LocatedNode node) throws PlanException {
        if (node == null) {
            return ModelOptions.DEFAULTS;
        }
        object(node, "model", MODEL_KEYS);
        ModelOptions d = ModelOptions.DEFAULTS;
        return new ModelOptions(parse(node.fields.get("dump"), ModelOptions.Dump.class, "dump", d.dump()),
                parse(node.fields.get("pagingPath"), ModelOptions.PagingPath.class, "paging path", d.pagingPath()),
                parse(node.fields.get("sameThreadFault"), ModelOptions.SameThreadFault.class, "same-thread fault",
                        d.sameThreadFault()),
                parse(node.fields.get("pagingRequestor"), ModelOptions.PagingRequestor.class, "paging requestor",
                        d.pagingRequestor()));
    }

    private StressProfile stress(LocatedNode node, StressProfile base) throws PlanException {
        if (node == null) {
            return base;
        }
        object(node, "stress", STRESS_KEYS);
        OperationMix mix = base.mix();
        LocatedNode mixNode = node.fields.get("mix");
        if (mixNode != null) {
            object(mixNode, "mix", MIX_KEYS);
            try {
                mix = new OperationMix(integer(mixNode.fields.get("create"), mix.createPercent(), 0, 100, "create"),
                        integer(mixNode.fields.get("read"), mix.readPercent(), 0, 100, "read"),
                        integer(mixNode.fields.get("write"), mix.writePercent(), 0, 100, "write"));
            } catch (IllegalArgumentException e) {
                throw error(mixNode, e.getMessage());
            }
        }
        long operations = node.fields.containsKey("operations")
                ? longValue(node.fields.get("operations"), "operations") : base.budget().operations();
        Duration time = node.fields.containsKey("seconds")
                ? Duration.ofSeconds(integer(node.fields.get("seconds"), 0, 1, 86_400, "seconds"))
                : base.budget().time();
        try {
            return new StressProfile(
                    integer(node.fields.get("workers"), base.workers(), 1, 64, "workers"),
                    integer(node.fields.get("processes"), base.processes(), 1, 4096, "processes"),
                    mix,
                    parse(node.fields.get("pressure"), MemoryPressure.class, "memory pressure", base.pressure()),
                    new Budget(operations, time));
        } catch (IllegalArgumentException e) {
            throw error(node, e.getMessage());
        }
    }

    private void object(LocatedNode node, String what, Set<String> allowed) throws PlanException {
        if (node.kind != LocatedNode.Kind.OBJECT) {
            throw error(node, what + " must be a mapping of keys to values");
        }
        for (var e : node.fields.entrySet()) {
            if (!allowed.contains(e.getKey())) {
                throw error(e.getValue(), "unknown key '" + e.getKey() + "' in " + what + " (known: "
                        + String.join(", ", allowed.stream().sorted().toList()) + ")");
            }
        }
    }

    private <E extends Enum<E>> E parse(LocatedNode node, Class<E> type, String what, E fallback)
            throws PlanException {
        if (node == null) {
            return fallback;
        }
        try {
            return Labels.parse(type, string(node, null), what);
        } catch (IllegalArgumentException e) {
            throw error(node, e.getMessage());
        }
    }

    private <E extends Enum<E>> Set<E> flags(LocatedNode node, Class<E> type, String what) throws PlanException {
        try {
            if (node.kind == LocatedNode.Kind.ARRAY) {
                List<String> parts = new ArrayList<>();
                for (LocatedNode item : node.items) {
                    parts.add(string(item, null));
                }
                return Labels.parseSet(type, String.join(",", parts), what);
            }
            return Labels.parseSet(type, string(node, null), what);
        } catch (IllegalArgumentException e) {
            throw error(node, e.getMessage());
        }
    }

    private String string(LocatedNode node, String fallback) throws PlanException {
        if (node == null) {
            return fallback;
        }
        if (node.kind != LocatedNode.Kind.SCALAR || node.text == null) {
            throw error(node, "expected a single value");
        }
        return node.text;
    }

    private int integer(LocatedNode node, int fallback, int min, int max, String what) throws PlanException {
        if (node == null) {
            return fallback;
        }
        long value = longValue(node, what);
        if (value < min || value > max) {
            throw error(node, what + " must be " + min + ".." + max + ", not " + value);
        }
        return (int) value;
    }

    private long longValue(LocatedNode node, String what) throws PlanException {
        if (node.token != JsonToken.VALUE_NUMBER_INT) {
            throw error(node, what + " must be a whole number, not '" + node.text + "'");
        }
        try {
            return Long.parseLong(node.text);
        } catch (NumberFormatException e) {
            throw error(node, what + " '" + node.text + "' is out of range");
        }
    }

    private double decimal(LocatedNode node, double fallback, String what) throws PlanException {
        if (node == null) {
            return fallback;
        }
        if (node.token != JsonToken.VALUE_NUMBER_FLOAT && node.token != JsonToken.VALUE_NUMBER_INT) {
            throw error(node, what + " must be a number, not '" + node.text + "'");
        }
        double value = Double.parseDouble(node.text);
        if (!(value > 0 && value < 1)) {
            throw error(node, what + " must be between 0 and 1 (a crash rate), not " + node.text);
        }
        return value;
    }

    private double share(LocatedNode node, String what) throws PlanException {
        if (node.token != JsonToken.VALUE_NUMBER_FLOAT && node.token != JsonToken.VALUE_NUMBER_INT) {
            throw error(node, what + " must be a number, not '" + node.text + "'");
        }
        double value = Double.parseDouble(node.text);
        if (!(value >= 0 && value < 1)) {
            throw error(node, what + " must be a share from 0 up to 1 (0.05 is 5%), not " + node.text);
        }
        return value;
    }

    private boolean bool(LocatedNode node, String what) throws PlanException {
        if (node.token != JsonToken.VALUE_TRUE && node.token != JsonToken.VALUE_FALSE) {
            throw error(node, what + " must be true or false, not '" + node.text + "'");
        }
        return node.token == JsonToken.VALUE_TRUE;
    }

    private PlanException error(LocatedNode node, String message) {
        return new PlanException(file + " line " + node.line + ": " + message, node.line);
    }
}
