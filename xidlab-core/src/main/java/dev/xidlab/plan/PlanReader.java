package dev.xidlab.plan;

import dev.xidlab.device.ModelOptions;
import dev.xidlab.io.InputFile;
import dev.xidlab.lab.SitePackage;
import dev.xidlab.load.StressProfile;
import dev.xidlab.site.Environment;
import dev.xidlab.site.FilterGroup;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 *   - {name: control, role: control}                               # xidfilter, lookup: the lab reaches the crash
 *   - {name: v2, driver: {package: builds/v2/}, probe: "C:\\t\\probe.exe"}  # the user's driver (.inf + .sys)
 *   - {name: v3, driver: {package: v3/vendorflt.sys, service: vendorflt, altitude: 370030}}     # a bare .sys
 * model: {dump: kernel, pagingPath: store, sameThreadFault: wait, pagingRequestor: any-process,
 *         filterFrames: {anti-virus: 4096}}                        # the kernel model's; every key optional
 * environment:                                                      # a customer's site (xidlab crashes profile)
 *   build: 19041          architecture: x64     processors: 16      memoryMiB: 16384
 *   filterAltitude: 385100                                          # ours
 *   filters:                                                        # co-resident filters, on the model's stack
 *     - {module: WdFilter.sys, altitude: 328010, group: anti-virus, frameBytes: 2048, skipPagingIo: false,
 *        legacy: false, package: site/wd/}                           # group and frame: the altitude's by default
 *   unknown: [VBoxDrv.sys]                                          # listed, not modelled
 * </pre>
 *
 * A fix's own {@code stress} block without {@code load: own} is refused: a lighter load must never pass as a fix.
 *
 * <p>The text becomes a tree with lines ({@link PlanTree}), each block of the tree a meaning (its reader sits with
 * its writer: {@link TopLevelBlock}, {@link StressBlock}, {@link ConfigurationsBlock}, {@link ModelBlock},
 * {@link EnvironmentBlock}, the site); this class puts the blocks together into a {@link Plan}.
 */
public final class PlanReader {

    private static final Set<String> ROOT_KEYS = Set.of("name", "runs", "seed", "threshold", "maxCoverageLoss",
            "stress", "configurations", "model", "environment");

    private static final String NOT_TEXT = "not UTF-8 text (a plan is a YAML or JSON text file)";

    private PlanReader() {
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
        LocatedNode root = PlanTree.parse(text, file, json);
        NodeValues v = new NodeValues(file);
        // Each block is read on its own and the error on the earliest line is reported (FirstError).
        FirstError first = new FirstError();
        first.check(() -> v.object(root, "the plan", ROOT_KEYS));
        String name = first.value(() -> TopLevelBlock.name(v, root), "plan");
        int runs = first.value(() -> TopLevelBlock.runs(v, root), DefaultPlan.RUNS);
        long seed = first.value(() -> TopLevelBlock.seed(v, root), DefaultPlan.SEED);
        double threshold = first.value(() -> TopLevelBlock.threshold(v, root), DefaultPlan.THRESHOLD);
        double maxLoss = first.value(() -> TopLevelBlock.maxCoverageLoss(v, root), Plan.DEFAULT_MAX_COVERAGE_LOSS);
        StressProfile stress = first.value(() -> StressBlock.read(v, root.fields.get("stress"), DefaultPlan.stress()),
                DefaultPlan.stress());
        LocatedNode configs = root.fields.get("configurations");
        List<PlannedConfig> planned = first.value(() -> ConfigurationsBlock.read(v, root, configs, stress),
                List.of());
        Optional<Environment> environment = first.value(() -> EnvironmentBlock.read(v,
                root.fields.get("environment")), Optional.empty());
        Map<FilterGroup, Integer> groupFrames = first.value(() -> ModelBlock.readGroupFrames(v,
                root.fields.get("model"), root.fields.containsKey("environment")), Map.of());
        ModelOptions model = first.value(() -> ModelBlock.read(v, root.fields.get("model")), ModelOptions.DEFAULTS);
        List<SitePackage> sitePackages = first.value(() -> EnvironmentBlock.packages(v,
                root.fields.get("environment")), List.of());
        first.throwIfAny();
        Plan plan;
        try {
            plan = new Plan(name, planned, runs, seed, threshold, maxLoss, model);
        } catch (IllegalArgumentException e) {
            throw v.error(configs, e.getMessage());
        }
        plan = plan.withSitePackages(sitePackages);
        if (environment.isEmpty()) {
            return plan;
        }
        LocatedNode at = root.fields.get("environment");
        try {
            return plan.withEnvironment(environment.get().withGroupFrames(groupFrames));
        } catch (IllegalArgumentException e) {
            throw v.error(at, "the kernel model cannot stand for this environment: " + e.getMessage());
        }
    }
}
