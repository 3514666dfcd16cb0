package dev.xidlab.cli;

import dev.xidlab.matrix.MatrixSession;
import dev.xidlab.matrix.MatrixSummary;
import dev.xidlab.matrix.Plan;
import dev.xidlab.matrix.PlanException;
import dev.xidlab.matrix.ReportWriter;
import dev.xidlab.matrix.ResultsFile;
import dev.xidlab.matrix.ResultsHeader;
import dev.xidlab.matrix.RunRecord;
import dev.xidlab.matrix.VerdictCalculator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code xidlab matrix merge}: one verdict from the results of shards run on separate agents. */
@Command(name = "merge", mixinStandardHelpOptions = true,
        description = "Combine the results.jsonl of shards of one plan into one results file, verdict and reports."
                + " Results of another plan or lab are refused.", footer = ExitCode.FOOTER)
public final class MatrixMergeCommand implements Callable<Integer> {

    @Parameters(arity = "1..*", paramLabel = "RESULTS", description = "results.jsonl files (or report directories).")
    List<Path> inputs;

    @CommandLine.Mixin
    PlanOptions planOptions;

    @CommandLine.Mixin
    ModelSwitches model;

    @Option(names = "--report", paramLabel = "DIR", required = true, description = "Where the merged results go.")
    Path report;

    @Option(names = "--json", description = "Print the summary as JSON instead of a table.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        Plan plan = planOptions.plan();
        plan = plan.withModel(model.applyTo(plan.model()));
        Path out = report.resolve(MatrixSession.RESULTS);
        if (Files.exists(out)) {
            throw new CliException(ExitCode.USAGE, out + " already exists: merge into an empty --report directory");
        }
        Map<String, RunRecord> runsById = new LinkedHashMap<>();
        String lab = null;
        Boolean adaptive = null;
        try {
            for (Path input : inputs) {
                Path file = Files.isDirectory(input) ? input.resolve(MatrixSession.RESULTS) : input;
                ResultsFile.Contents contents = ResultsFile.read(file);
                ResultsHeader header = contents.header();
                lab = lab == null ? header.lab() : lab;
                ResultsFile.requireSame(file, header, plan, lab);
                if (adaptive != null && adaptive != header.adaptiveRuns()) {
                    throw new PlanException(file + " was run " + (header.adaptiveRuns() ? "adaptive" : "fixed")
                            + " and the results before it " + (adaptive ? "adaptive" : "fixed")
                            + ": their bounds differ, refusing to mix them");
                }
                adaptive = header.adaptiveRuns();
                for (RunRecord r : contents.runs()) {
                    runsById.putIfAbsent(r.id(), r);
                }
            }
            List<RunRecord> records = new ArrayList<>(runsById.values());
            try (ResultsFile merged = ResultsFile.create(out, plan, lab, adaptive)) {
                for (RunRecord r : records) {
                    merged.append(r);
                }
            }
            MatrixSummary summary = VerdictCalculator.summarize(plan, lab, records, adaptive);
            ReportWriter.write(report, summary);
            MatrixCommand.print(spec.commandLine().getOut(), summary, report, json);
            return summary.confirmed() ? ExitCode.OK : ExitCode.CHECK_FAILED;
        } catch (PlanException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage());
        } catch (java.nio.file.NoSuchFileException e) {
            throw new CliException(ExitCode.USAGE, e.getFile() + ": no such file");
        }
    }
}
