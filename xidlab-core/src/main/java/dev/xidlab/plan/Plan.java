package dev.xidlab.plan;

import dev.xidlab.device.ModelOptions;
import dev.xidlab.lab.ForeignDriver;
import dev.xidlab.lab.LabName;
import dev.xidlab.lab.SitePackage;
import dev.xidlab.load.StressProfile;
import dev.xidlab.protocol.Labels;
import dev.xidlab.site.Environment;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;

/**
 * What a matrix runs: configurations x runs from a seed; the threshold a fix's failure rate must stay under and the
 * baseline's re-entry rate above; the share of the baseline's non-paging callbacks a fix may stop seeing; how
 * the kernel model is set up when the lab is the model ({@link ModelOptions}; a real kernel has its own); and the
 * customer's site the plan stands for, when it was made from their dumps ({@code environment}: the VM lab sizes
 * and checks its guest by it, the model stands for it through {@code model}'s environment).
 *
 * @param sitePackages     the binaries of the site's own co-resident filters the user supplies, for a lab that
 *                         installs them (never the kernel model)
 * @param chooseAmongFixes the fixes are candidates to choose one from (--choose-among-fixes): every CONFIRMED must
 *                         hold at 5% for all of them together, by Holm's step-down procedure ({@link dev.xidlab.verdict.VerdictRules})
 */
public record Plan(String name, List<PlannedConfig> configs, int runs, long seed, double threshold,
                   double maxCoverageLoss, ModelOptions model, Optional<Environment> environment,
                   boolean chooseAmongFixes, List<SitePackage> sitePackages) {

    public static final int MAX_RUNS = 100_000;
    public static final double DEFAULT_MAX_COVERAGE_LOSS = 0.05;
    /**
     * The most coverage a plan may let a fix lose: a fix that no longer sees a fifth of the non-paging I/O the
     * baseline sees has stopped looking at part of it, and a looser limit would let it pass for a fix.
     */
    public static final double MAX_COVERAGE_LOSS = 0.20;

    public Plan(String name, List<PlannedConfig> configs, int runs, long seed, double threshold) {
        this(name, configs, runs, seed, threshold, DEFAULT_MAX_COVERAGE_LOSS);
    }

    public Plan(String name, List<PlannedConfig> configs, int runs, long seed, double threshold,
                double maxCoverageLoss) {
        this(name, configs, runs, seed, threshold, maxCoverageLoss, ModelOptions.DEFAULTS);
    }

    public Plan(String name, List<PlannedConfig> configs, int runs, long seed, double threshold,
                double maxCoverageLoss, ModelOptions model) {
        this(name, configs, runs, seed, threshold, maxCoverageLoss, model, Optional.empty());
    }

    public Plan(String name, List<PlannedConfig> configs, int runs, long seed, double threshold,
                double maxCoverageLoss, ModelOptions model, Optional<Environment> environment) {
        this(name, configs, runs, seed, threshold, maxCoverageLoss, model, environment, false);
    }

    public Plan(String name, List<PlannedConfig> configs, int runs, long seed, double threshold,
                double maxCoverageLoss, ModelOptions model, Optional<Environment> environment,
                boolean chooseAmongFixes) {
        this(name, configs, runs, seed, threshold, maxCoverageLoss, model, environment, chooseAmongFixes, List.of());
    }

    public Plan {
        configs = List.copyOf(configs);
        sitePackages = List.copyOf(sitePackages);
        if (model == null || environment == null) {
            throw new IllegalArgumentException("a plan needs model options (ModelOptions.DEFAULTS for none) and an"
                    + " environment (Optional.empty() for none)");
        }
        if (runs < 1 || runs > MAX_RUNS) {
            throw new IllegalArgumentException("runs must be 1.." + MAX_RUNS + ", not " + runs);
        }
        if (!(threshold > 0 && threshold < 1)) {
            throw new IllegalArgumentException("threshold must be between 0 and 1 (a crash rate), not " + threshold);
        }
        if (configs.stream().filter(c -> c.role() == Role.BASELINE).count() != 1) {
            throw new IllegalArgumentException("a plan needs exactly one baseline configuration (role: baseline)");
        }
        if (configs.stream().filter(c -> c.role() == Role.CONTROL).count() > 1) {
            throw new IllegalArgumentException("a plan has at most one control configuration (role: control)");
        }
        if (configs.stream().map(PlannedConfig::name).distinct().count() != configs.size()) {
            throw new IllegalArgumentException("configuration names must be unique");
        }
        if (!(maxCoverageLoss >= 0 && maxCoverageLoss < 1)) {
            throw new IllegalArgumentException("maxCoverageLoss must be a share from 0 up to 1, not " + maxCoverageLoss);
        }
        if (maxCoverageLoss > MAX_COVERAGE_LOSS) {
            throw new IllegalArgumentException(coverageLossAboveCap(String.valueOf(maxCoverageLoss)));
        }
        StressProfile load = baselineOf(configs).stress();
        for (PlannedConfig c : configs) {
            if (!c.ownLoad() && !c.stress().equals(load)) {
                throw new IllegalArgumentException("'" + c.name() + "' runs another load than the baseline: every"
                        + " configuration runs the baseline's load unless it says load: own");
            }
        }
    }

    static String coverageLossAboveCap(String value) {
        return "maxCoverageLoss is at most 20% (0.2): a fix that no longer sees more than a fifth of the non-paging"
                + " I/O the baseline sees has stopped looking, not fixed the crash; not " + value;
    }

    public Plan withRuns(int newRuns) {
        return new Plan(name, configs, newRuns, seed, threshold, maxCoverageLoss, model, environment,
                chooseAmongFixes, sitePackages);
    }

    public Plan withSeed(long newSeed) {
        return new Plan(name, configs, runs, newSeed, threshold, maxCoverageLoss, model, environment,
                chooseAmongFixes, sitePackages);
    }

    public Plan withThreshold(double newThreshold) {
        return new Plan(name, configs, runs, seed, newThreshold, maxCoverageLoss, model, environment,
                chooseAmongFixes, sitePackages);
    }

    public Plan withMaxCoverageLoss(double share) {
        return new Plan(name, configs, runs, seed, threshold, share, model, environment, chooseAmongFixes,
                sitePackages);
    }

    public Plan withModel(ModelOptions newModel) {
        return new Plan(name, configs, runs, seed, threshold, maxCoverageLoss, newModel, environment,
                chooseAmongFixes, sitePackages);
    }

    /** The plan whose fixes are candidates to choose one from: its verdicts hold for all the fixes together. */
    public Plan withChooseAmongFixes(boolean choose) {
        return new Plan(name, configs, runs, seed, threshold, maxCoverageLoss, model, environment, choose,
                sitePackages);
    }

    /** The plan standing for a site: the environment, and the model's machine made the site's. */
    public Plan withEnvironment(Environment site) {
        return new Plan(name, configs, runs, seed, threshold, maxCoverageLoss,
                model.withEnvironment(site.model()), Optional.of(site), chooseAmongFixes, sitePackages);
    }

    /** The plan with the site's own filter binaries the user supplies. */
    public Plan withSitePackages(List<SitePackage> packages) {
        return new Plan(name, configs, runs, seed, threshold, maxCoverageLoss, model, environment, chooseAmongFixes,
                packages);
    }

    /** The positive control (role: control), when the plan has one. */
    public Optional<PlannedConfig> control() {
        return configs.stream().filter(c -> c.role() == Role.CONTROL).findFirst();
    }

    /**
     * Why the plan cannot run on this lab, when it cannot: a user's driver package or a site's filter binaries on a
     * lab that does not install them (the kernel model runs xidfilter's portable core, never a foreign binary).
     * Checked before any run: running xidfilter in their place would pass it off as the user's driver.
     */
    public Optional<String> cannotRunOn(dev.xidlab.lab.Lab lab) {
        List<String> foreign = new ArrayList<>();
        configs.forEach(c -> c.foreign().ifPresent(f -> foreign.add("configuration '" + c.name() + "' brings "
                + f.module() + " (" + f.given() + ")")));
        sitePackages.forEach(p -> foreign.add("environment filter " + p.module() + " brings its package ("
                + p.given() + ")"));
        if (foreign.isEmpty()) {
            return Optional.empty();
        }
        return lab.cannotInstall(sitePackages, String.join("; ", foreign));
    }

    /** The distinct driver packages of the configurations, in the plan's order. */
    public List<ForeignDriver> foreignDrivers() {
        return configs.stream().flatMap(c -> c.foreign().stream()).distinct().toList();
    }

    public PlannedConfig baseline() {
        return baselineOf(configs);
    }

    private static PlannedConfig baselineOf(List<PlannedConfig> configs) {
        return configs.stream().filter(c -> c.role() == Role.BASELINE).findFirst().orElseThrow();
    }

    /** The seed of run r of every configuration: configurations are compared on the same loads. */
    public long runSeed(int run) {
        return mix(seed, run);
    }

    /** Every run of the plan in order. */
    public List<PlannedRun> expand() {
        List<PlannedRun> all = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            long runSeed = runSeed(r);
            for (PlannedConfig c : configs) {
                all.add(new PlannedRun(all.size(), c, r, runSeed));
            }
        }
        return all;
    }

    /**
     * Identifies what the results of a plan mean: configurations, loads, seed and (when not the defaults, so the
     * fingerprints of plans written before stay as they were) the kernel model's options, which hold the site's
     * environment as the model stands for it, and the site's environment itself (its memory and architecture matter
     * to a VM lab). The run count, threshold and coverage share are the limits the matrix was planned with: they
     * are left out here (so results files of earlier versions still resume) and recorded in the results file's
     * header instead, which resume and merge hold the matrix to ({@link dev.xidlab.run.ResultsFile#requireSameLimits}).
     */
    public String fingerprint() {
        StringBuilder canonical = new StringBuilder().append(name).append('|').append(seed);
        for (PlannedConfig c : configs) {
            StressProfile s = c.stress();
            canonical.append('|').append(c.name()).append(',').append(c.role())
                    .append(',').append(HexFormat.of().formatHex(c.driver().encode()))
                    .append(',').append(s.workers()).append(',').append(s.processes())
                    .append(',').append(s.mix()).append(',').append(Labels.label(s.pressure()))
                    .append(',').append(s.budget());
            // Only when present, so the fingerprints of plans without them stay as they were.
            c.foreign().ifPresent(f -> canonical.append(",driver:").append(f.describe()));
            c.probe().ifPresent(p -> canonical.append(",probe:").append(p));
        }
        sitePackages.forEach(p -> canonical.append("|sitePackage:").append(p.module()).append('=').append(p.given()));
        if (!model.equals(ModelOptions.DEFAULTS)) {
            canonical.append("|model:").append(model.describe());
        }
        environment.ifPresent(e -> canonical.append("|environment:").append(e.describe()));
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(canonical.toString()
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    /** splitmix64 of (seed, run): independent seeds for runs, the same on every machine. */
    static long mix(long seed, long run) {
        long z = seed + 0x9E3779B97F4A7C15L * (run + 1);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The kernel model's options as the report names them, for the model's lab only (null for any other lab). */
    public String modelOn(String lab) {
        return LabName.SIM.equals(lab) ? model.describe() : null;
    }
}
