package dev.xidlab.matrix;

import dev.xidlab.lab.ForeignDriver;
import dev.xidlab.lab.Lab;
import dev.xidlab.lab.LabException;
import dev.xidlab.lab.LabUnavailableException;
import dev.xidlab.plan.Plan;
import dev.xidlab.plan.PlanException;
import dev.xidlab.plan.PlannedRun;
import dev.xidlab.plan.Shard;
import dev.xidlab.report.ReportWriter;
import dev.xidlab.run.MatrixRunner;
import dev.xidlab.run.Progress;
import dev.xidlab.run.ResultsFile;
import dev.xidlab.run.RunRecord;
import dev.xidlab.verdict.AdaptiveSchedule;
import dev.xidlab.verdict.MatrixSummary;
import dev.xidlab.verdict.VerdictCalculator;
import dev.xidlab.verdict.VerdictRules;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One matrix in a report directory: opens its results (new, or resumed without redoing finished runs), runs
 * what is left of its shard on the lab, and writes the verdict and reports over every recorded run.
 */
public final class MatrixSession {

    public static final String RESULTS = "results.jsonl";

    private MatrixSession() {
    }

    /**
     * Checks everything that can be checked before the first run: an existing results file refused or
     * validated for resuming (the same plan, lab, shard and limits), a plan the lab cannot run (a foreign binary on
     * the kernel model) refused. Nothing runs and nothing is written when it throws.
     */
    public static ResultsFile.Contents prepare(Plan plan, Lab lab, Path reportDir, Shard shard, boolean resume)
            throws IOException, PlanException {
        java.util.Optional<String> cannot = plan.cannotRunOn(lab);
        if (cannot.isPresent()) {
            throw new PlanException(cannot.get());
        }
        Path results = reportDir.resolve(RESULTS);
        if (!Files.exists(results)) {
            return null;
        }
        if (!resume) {
            throw new PlanException(results + " already exists: use --resume to continue it, or another --report"
                    + " directory");
        }
        ResultsFile.Contents contents = ResultsFile.read(results);
        ResultsFile.requireSame(results, contents.header(), plan, lab.name());
        ResultsFile.requireSameLimits(results, contents.header(), plan);
        Shard begun = contents.header().slice();
        if (!begun.equals(shard)) {
            throw new PlanException(results + " holds " + (begun.whole() ? "the whole matrix" : "shard "
                    + begun.label()) + ": resume it " + (begun.whole() ? "without --shard" : "with --shard "
                    + begun.label()) + ", or run " + (shard.whole() ? "the whole matrix" : "shard " + shard.label())
                    + " into another --report directory");
        }
        return contents;
    }

    /** Runs a fixed plan's runs (those of the shard not yet recorded) and gives the verdict over all. */
    public static MatrixSummary run(Plan plan, Lab lab, Path reportDir, Shard shard, ResultsFile.Contents previous,
                                    String filterModule, Progress progress) throws IOException, PlanException {
        return run(plan, lab, reportDir, shard, previous, filterModule, progress, false);
    }

    /**
     * Runs the plan: a fixed plan's pending runs of the shard, or, adaptive, rounds of the runs still open until
     * every verdict is settled or the budget is spent ({@link AdaptiveSchedule}). Writes the verdict and reports.
     */
    public static MatrixSummary run(Plan plan, Lab lab, Path reportDir, Shard shard, ResultsFile.Contents previous,
                                    String filterModule, Progress progress, boolean adaptive)
            throws IOException, PlanException {
        if (adaptive && !shard.whole()) {
            throw new PlanException("an adaptive matrix decides its next runs from the results so far, so it cannot"
                    + " be split into shards: run it whole, or the shards with --no-adaptive");
        }
        installPackages(plan, lab);
        Path resultsPath = reportDir.resolve(RESULTS);
        List<RunRecord> records = new ArrayList<>(previous == null ? List.of() : previous.runs());
        MatrixRunner runner = new MatrixRunner(lab, reportDir, filterModule);
        try (ResultsFile results = previous == null ? ResultsFile.create(resultsPath, plan, lab.name(), adaptive, shard)
                : ResultsFile.resume(resultsPath, plan, lab.name(), previous)) {
            int crashes = (int) records.stream().filter(RunRecord::crashed).count();
            if (adaptive) {
                AdaptiveSchedule schedule = new AdaptiveSchedule(plan, VerdictRules.of(plan, true), records);
                progress.startedAdaptive(Math.max(0, schedule.budget() - schedule.attempted()), records.size());
                for (List<PlannedRun> round = schedule.nextRound(); !round.isEmpty(); round = schedule.nextRound()) {
                    int before = records.size();
                    crashes = runner.run(round, results, progress, records, crashes);
                    records.subList(before, records.size()).forEach(schedule::record);
                }
                progress.settled(Math.max(0, schedule.budget() - schedule.attempted()));
            } else {
                Set<String> done = records.stream().map(RunRecord::id).collect(Collectors.toSet());
                List<PlannedRun> mine = shard.slice(plan.expand());
                List<PlannedRun> pending = mine.stream().filter(r -> !done.contains(r.id())).toList();
                progress.started(pending.size(), mine.size() - pending.size());
                runner.run(pending, results, progress, records, crashes);
            }
        } finally {
            progress.close();
        }
        // Every report names the lab in its header; a lab that is not what it seems (a stand-in guest) says so there.
        String labHeader = lab.notice().map(n -> lab.name() + " (" + n + ")").orElse(lab.name());
        MatrixSummary summary = VerdictCalculator.summarize(plan, labHeader, records, adaptive);
        ReportWriter.write(reportDir, summary);
        return summary;
    }

    /**
     * The site's filters, then each of the plan's driver packages once, installed and loaded on the booted machine
     * before the first run: a package that does not install or load is refused with its reason before anything is
     * run or written (the user's input, exit 2), not found out runs later as lab errors.
     */
    private static void installPackages(Plan plan, Lab lab) throws PlanException {
        if (plan.foreignDrivers().isEmpty() && plan.sitePackages().isEmpty()) {
            return;
        }
        lab.boot();
        String doing = "the site's filter packages";
        try {
            lab.installSitePackages(plan.sitePackages());
            for (ForeignDriver driver : plan.foreignDrivers()) {
                doing = "driver package " + driver.given() + " (" + driver.module() + ")";
                lab.useDriver(java.util.Optional.of(driver));
            }
        } catch (LabUnavailableException e) {
            throw e;
        } catch (LabException e) {
            throw new PlanException(doing + " did not install: " + e.getMessage() + "; nothing was run");
        }
    }
}
