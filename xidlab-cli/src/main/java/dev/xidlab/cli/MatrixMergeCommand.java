package dev.xidlab.cli;

import dev.xidlab.command.CommandError;
import dev.xidlab.command.ExitCode;
import dev.xidlab.command.ModelSwitches;
import dev.xidlab.command.TextOrJsonCommand;
import dev.xidlab.matrix.MatrixSession;
import dev.xidlab.matrix.ShardMerge;
import dev.xidlab.plan.Plan;
import dev.xidlab.plan.PlanException;
import dev.xidlab.plan.Shard;
import dev.xidlab.report.ReportDirectory;
import dev.xidlab.report.ReportWriter;
import dev.xidlab.run.ResultsFile;
import dev.xidlab.run.ResultsHeader;
import dev.xidlab.run.RunRecord;
import dev.xidlab.verdict.MatrixSummary;
import dev.xidlab.verdict.SiteComparison;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code xidlab matrix merge}: one verdict from the results of shards run on separate agents, or, with
 * {@code --site}, one table of several sites' matrices, one row per site, each judged by its own plan.
 */
@Command(name = "merge",
        description = "Combine the results.jsonl of shards of one plan into one results file, verdict and reports:"
                + " every shard i/n exactly once and complete, with the limits it was planned with. Results of another"
                + " plan or lab are refused. With --site PLAN=RESULTS (repeated): one row per"
                + " site, each site's shards merged and judged by its own plan.")
public final class MatrixMergeCommand extends TextOrJsonCommand {

    @Parameters(arity = "0..*", paramLabel = "RESULTS", description = "results.jsonl files (or report directories).")
    List<Path> inputs = new ArrayList<>();

    @Option(names = "--site", paramLabel = "PLAN=RESULTS", description = "A site's plan (from xidlab crashes"
            + " profile) and a results.jsonl or report directory run with it; repeat for each site, and for each"
            + " shard of a site.")
    List<String> sites = new ArrayList<>();

    @CommandLine.Mixin
    PlanOptions planOptions;

    @CommandLine.Mixin
    ModelSwitches model;

    @Option(names = "--report", paramLabel = "DIR", required = true, description = "Where the merged results go.")
    Path report;

    /** A site's plan, its shards merged, and the verdict they give, reckoned once for the table and its report. */
    private record SiteRun(Plan plan, ShardMerge.Merged merged, MatrixSummary summary) {
    }

    @Override
    public Integer call() throws IOException {
        if (!sites.isEmpty()) {
            return bySite();
        }
        if (inputs.isEmpty()) {
            throw new CommandError.Usage("nothing to merge: give results files, or --site PLAN=RESULTS");
        }
        Plan plan = asPlanned(withModel(planOptions.plan()), inputs);
        Path out = report.resolve(MatrixSession.RESULTS);
        requireAbsent(out);
        ShardMerge.Merged merged = merge(plan, inputs);
        MatrixSummary summary = merged.summary(plan);
        try (ReportDirectory held = MatrixCommand.openReport(report)) {
            requireAbsent(out);
            write(report, plan, merged, summary);
        }
        MatrixCommand.print(spec.commandLine().getOut(), summary, report, json.on);
        return summary.confirmed() ? ExitCode.OK : ExitCode.CHECK_FAILED;
    }

    /**
     * Every plan read and every results file checked against its plan before anything is written, so a bad
     * argument leaves no half-merged report behind.
     */
    private int bySite() throws IOException {
        if (!inputs.isEmpty() || planOptions.planFile != null) {
            throw new CommandError.Usage("--site names each site's plan and results: give no --plan and"
                    + " no RESULTS beside it");
        }
        Map<Path, List<Path>> resultsByPlan = new LinkedHashMap<>();
        for (String site : sites) {
            int eq = site.indexOf('=');
            if (eq <= 0 || eq == site.length() - 1) {
                throw new CommandError.Usage("--site wants PLAN=RESULTS (a plan file and a results.jsonl"
                        + " or report directory), not '" + site + "'");
            }
            resultsByPlan.computeIfAbsent(Path.of(site.substring(0, eq)), p -> new ArrayList<>())
                    .add(Path.of(site.substring(eq + 1)));
        }
        // A list, not a map keyed by plan: two sites with identical plans are still two sites (and refused by name).
        List<SiteRun> runs = new ArrayList<>();
        for (Map.Entry<Path, List<Path>> site : resultsByPlan.entrySet()) {
            if (!Files.isRegularFile(site.getKey())) {
                throw new CommandError.Usage(site.getKey() + ": no such plan file");
            }
            Plan plan = asPlanned(withModel(planOptions.plan(site.getKey())), site.getValue());
            ShardMerge.Merged merged = merge(plan, site.getValue());
            runs.add(new SiteRun(plan, merged, merged.summary(plan)));
        }
        SiteComparison comparison;
        try {
            comparison = new SiteComparison(runs.stream().map(r -> SiteComparison.site(r.plan(), r.summary()))
                    .toList());
        } catch (IllegalArgumentException e) {
            throw new CommandError.Usage(e.getMessage());
        }
        java.util.Set<Path> dirs = new java.util.HashSet<>();
        for (SiteRun r : runs) {
            if (!dirs.add(siteDir(r.plan()))) {
                throw new CommandError.Usage("sites '" + r.plan().name() + "' and another share the"
                        + " directory " + siteDir(r.plan()) + ": give their plans names that differ in letters or digits");
            }
            requireAbsent(siteDir(r.plan()).resolve(MatrixSession.RESULTS));
        }
        try (ReportDirectory held = MatrixCommand.openReport(report)) {
            for (SiteRun r : runs) {
                write(siteDir(r.plan()), r.plan(), r.merged(), r.summary());
            }
            comparison.write(report);
        }
        print(comparison);
        return comparison.confirmedEverywhere() ? ExitCode.OK : ExitCode.CHECK_FAILED;
    }

    private void print(SiteComparison comparison) {
        answer(comparison, out -> {
            TextTable table = new TextTable(comparison.columns().toArray(String[]::new));
            comparison.sites().forEach(s -> table.row(comparison.cells(s).toArray()));
            table.print(out);
            out.println();
            for (SiteComparison.Site s : comparison.sites()) {
                out.printf("  %-16s %s%n", s.name(), s.environment().orElse("no environment (the lab's own machine)"));
            }
            out.printf("%nreports: %s (sites.md, sites.json; each site's own report in its directory)%n", report);
        });
    }

    private Path siteDir(Plan plan) {
        // A plan's name is free text; a directory name is not.
        return report.resolve(plan.name().replaceAll("[^A-Za-z0-9._-]", "-"));
    }

    /**
     * The plan with the limits its results were planned with (the first file's header says them) where this
     * command line names none; limits it does name must be those, or the merge refuses them.
     */
    private Plan asPlanned(Plan plan, List<Path> inputs) throws IOException {
        ResultsHeader header = merge(() -> ResultsFile.read(resultsFile(inputs.get(0))).header());
        try {
            plan = planOptions.runs != null || header.runs() == null ? plan : plan.withRuns(header.runs());
            plan = planOptions.threshold != null || header.threshold() == null ? plan
                    : plan.withThreshold(header.threshold());
            plan = planOptions.chooseAmongFixes || !header.choosingAmongFixes() ? plan
                    : plan.withChooseAmongFixes(true);
            return planOptions.maxCoverageLoss != null || header.maxCoverageLoss() == null ? plan
                    : plan.withMaxCoverageLoss(header.maxCoverageLoss());
        } catch (IllegalArgumentException e) {
            throw new CommandError.Usage(resultsFile(inputs.get(0)) + ": " + e.getMessage());
        }
    }

    private Plan withModel(Plan plan) {
        return plan.withModel(model.applyTo(plan.model()));
    }

    private static void requireAbsent(Path results) {
        if (Files.exists(results)) {
            throw new CommandError.Usage(results + " already exists: merge into an empty --report directory");
        }
    }

    private static ShardMerge.Merged merge(Plan plan, List<Path> inputs) throws IOException {
        return merge(() -> ShardMerge.merge(plan, inputs));
    }

    private static Path resultsFile(Path input) {
        return Files.isDirectory(input) ? input.resolve(MatrixSession.RESULTS) : input;
    }

    /** What reads results files, whose problems are the user's input: one line, exit 2. */
    private interface Reading<T> {
        T read() throws IOException, PlanException;
    }

    private static <T> T merge(Reading<T> reading) throws IOException {
        try {
            return reading.read();
        } catch (PlanException e) {
            throw new CommandError.Usage(e.getMessage());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CommandError.Usage(e.getFile() + ": no such file");
        }
    }

    private static void write(Path dir, Plan plan, ShardMerge.Merged merged, MatrixSummary summary) throws IOException {
        Files.createDirectories(dir);
        try (ResultsFile out = ResultsFile.create(dir.resolve(MatrixSession.RESULTS), plan, merged.lab(),
                merged.adaptive(), Shard.WHOLE)) {
            for (RunRecord r : merged.records()) {
                out.append(r);
            }
        } catch (PlanException e) {
            throw new CommandError.Usage(e.getMessage());
        }
        ReportWriter.write(dir, summary);
    }
}
