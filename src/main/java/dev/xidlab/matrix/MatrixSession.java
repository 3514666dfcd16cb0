package dev.xidlab.matrix;

import dev.xidlab.lab.Lab;
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
     * validated for resuming. Nothing runs and nothing is written when it throws.
     */
    public static ResultsFile.Contents prepare(Plan plan, String lab, Path reportDir, boolean resume)
            throws IOException, PlanException {
        Path results = reportDir.resolve(RESULTS);
        if (!Files.exists(results)) {
            return null;
        }
        if (!resume) {
            throw new PlanException(results + " already exists: use --resume to continue it, or another --report"
                    + " directory");
        }
        ResultsFile.Contents contents = ResultsFile.read(results);
        ResultsFile.requireSame(results, contents.header(), plan, lab);
        return contents;
    }

    public static MatrixSummary run(Plan plan, Lab lab, Path reportDir, Shard shard, ResultsFile.Contents previous,
                                    String filterModule, Progress progress) throws IOException, PlanException {
        Path resultsPath = reportDir.resolve(RESULTS);
        List<RunRecord> records = new ArrayList<>(previous == null ? List.of() : previous.runs());
        Set<String> done = records.stream().map(RunRecord::id).collect(Collectors.toSet());
        List<PlannedRun> mine = shard.slice(plan.expand());
        List<PlannedRun> pending = mine.stream().filter(r -> !done.contains(r.id())).toList();

        try (ResultsFile results = previous == null ? ResultsFile.create(resultsPath, plan, lab.name())
                : ResultsFile.resume(resultsPath, plan, lab.name(), previous)) {
            progress.started(pending.size(), mine.size() - pending.size());
            int crashes = (int) records.stream().filter(RunRecord::crashed).count();
            records.addAll(new MatrixRunner(lab, reportDir, filterModule).run(pending, results, progress, crashes));
        } finally {
            progress.close();
        }
        MatrixSummary summary = VerdictCalculator.summarize(plan, lab.name(), records);
        ReportWriter.write(reportDir, summary);
        return summary;
    }
}
