package dev.xidlab.cli;

import dev.xidlab.command.CommandError;
import dev.xidlab.plan.DefaultPlan;
import dev.xidlab.plan.Plan;
import dev.xidlab.plan.PlanException;
import dev.xidlab.plan.PlanReader;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The options that choose a plan, shared by the matrix and its merge (which must judge with the same plan). */
public final class PlanOptions {

    @Option(names = "--plan", paramLabel = "FILE", description = "A plan file (YAML, or JSON for *.json); default:"
            + " the built-in plan.")
    Path planFile;

    @Option(names = "--runs", paramLabel = "N", description = "Runs per configuration (overrides the plan).")
    Integer runs;

    @Option(names = "--seed", paramLabel = "S", description = "The seed every run's seed derives from.")
    Long seed;

    @Option(names = "--threshold", paramLabel = "RATE", description = "A fix is confirmed when its one-sided 95%%"
            + " upper bound on failures per run is under this rate and the baseline's lower bound on re-entry crashes"
            + " is above it (default 0.10).")
    Double threshold;

    @Option(names = "--max-coverage-loss", paramLabel = "SHARE", description = "A fix that sees more than this"
            + " share fewer non-paging callbacks per operation than the baseline, in all or in any kind of operation,"
            + " is BLIND (default 0.05, at most 0.2).")
    Double maxCoverageLoss;

    @Option(names = "--choose-among-fixes", description = "The fixes are candidates to choose one from: every"
            + " CONFIRMED then holds at 5%% for all of them together (Holm's procedure; each fix needs more clean"
            + " runs), not for each on its own.")
    boolean chooseAmongFixes;

    /** The plan, read and overridden; any problem is a usage error naming the file and line or the option. */
    Plan plan() {
        return plan(planFile);
    }

    /** The plan in {@code file} (the built-in plan for null) with this command line's overrides. */
    Plan plan(Path file) {
        Plan plan;
        try {
            plan = file == null ? DefaultPlan.plan() : PlanReader.read(file);
        } catch (PlanException e) {
            throw UserErrors.end("", e);
        }
        try {
            plan = runs == null ? plan : plan.withRuns(runs);
            plan = seed == null ? plan : plan.withSeed(seed);
            plan = threshold == null ? plan : plan.withThreshold(threshold);
            plan = chooseAmongFixes ? plan.withChooseAmongFixes(true) : plan;
            return maxCoverageLoss == null ? plan : plan.withMaxCoverageLoss(maxCoverageLoss);
        } catch (IllegalArgumentException e) {
            throw UserErrors.end("", e);
        }
    }
}
