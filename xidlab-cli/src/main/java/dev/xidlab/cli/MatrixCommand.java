package dev.xidlab.cli;

import dev.xidlab.command.CommandError;
import dev.xidlab.command.ExitCode;
import dev.xidlab.command.JsonOutput;
import dev.xidlab.command.ModelSwitches;
import dev.xidlab.command.StandInOption;
import dev.xidlab.command.TextOrJsonCommand;
import dev.xidlab.lab.Lab;
import dev.xidlab.lab.LabName;
import dev.xidlab.matrix.MatrixSession;
import dev.xidlab.plan.Plan;
import dev.xidlab.plan.PlanException;
import dev.xidlab.plan.Shard;
import dev.xidlab.report.ReportDirectory;
import dev.xidlab.report.ReportDirectoryException;
import dev.xidlab.report.ReportWriter;
import dev.xidlab.run.PlainProgress;
import dev.xidlab.run.Progress;
import dev.xidlab.run.ResultsFile;
import dev.xidlab.run.TerminalProgress;
import dev.xidlab.verdict.ConfigResult;
import dev.xidlab.verdict.MatrixSummary;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code xidlab matrix}: the regression run and its verdict. */
@Command(name = "matrix",
        description = {"Run a plan (configurations x runs) on a lab and say with numbers whether the fixes hold.",
                "Without --plan: the built-in plan, the field configuration (lookup, no skip flags) against"
                        + " SKIP_PAGING_IO, requestor, cached and the nesting guard, 40 runs each on the kernel model.",
                "Exit 0 only when every fix is CONFIRMED; 1 when a fix is NOT CONFIRMED or BLIND or the matrix is"
                        + " INCONCLUSIVE (a shard run exits 0: merge the shards for the verdict)."},
        subcommands = {MatrixMergeCommand.class})
public final class MatrixCommand extends TextOrJsonCommand {

    @Option(names = "--lab", paramLabel = "sim|vagrant", defaultValue = LabName.SIM,
            description = "Where to run: sim (the kernel model, default) or vagrant (a Windows VM).")
    String labName;

    @CommandLine.Mixin
    StandInOption standIn;

    @CommandLine.Mixin
    PlanOptions planOptions;

    @CommandLine.Mixin
    ModelSwitches model;

    @Option(names = "--report", paramLabel = "DIR", defaultValue = "xidlab-report",
            description = "Where results.jsonl, the reports and the dumps go (default ${DEFAULT-VALUE}).")
    Path report;

    @Option(names = "--resume", description = "Continue the matrix in --report without redoing finished runs, as it"
            + " was planned: the same shard, runs (fixed mode) and limits.")
    boolean resume;

    @Option(names = "--shard", paramLabel = "i/n", description = "Run only slice i of n (for CI matrices; not"
            + " adaptive).")
    String shard;

    @Option(names = "--adaptive", negatable = true, description = {"Stop each configuration once its verdict is"
            + " settled and run the rest of the budget (runs x configurations) where it is not (default: on for"
            + " --lab vagrant, where a run costs minutes; off on the kernel model). The bounds stay valid at every"
            + " look."})
    Boolean adaptive;

    @Option(names = "--filter-module", paramLabel = "NAME", defaultValue = "xidfilter.sys",
            description = "The filter whose recursion is the re-entry crash (default ${DEFAULT-VALUE}).")
    String filterModule;

    @Option(names = "--allow-build-mismatch", description = "With a plan's environment: run on a VM box of another"
            + " Windows build than the site's (refused otherwise), with a warning in every report.")
    boolean allowBuildMismatch;

    @Override
    public Integer call() throws IOException {
        model.requireModelLab(labName);
        Plan plan = planOptions.plan();
        plan = plan.withModel(model.applyTo(plan.model()));
        Shard slice = shard == null ? Shard.WHOLE : CommandError.usage(() -> Shard.parse(shard));
        if (Boolean.TRUE.equals(adaptive) && !slice.whole()) {
            throw new CommandError.Usage("--adaptive decides the next runs from the results so far, so it"
                    + " cannot run a --shard: run the matrix whole, or the shards without --adaptive");
        }
        Lab lab = LabChoice.openAvailable(labName, standIn, plan.model(), plan.environment(), allowBuildMismatch);
        try (ReportDirectory held = openReport(report)) {
            ResultsFile.Contents previous;
            try {
                previous = MatrixSession.prepare(plan, lab, report, slice, resume);
            } catch (PlanException e) {
                throw UserErrors.end("", e);
            }
            boolean adaptiveRuns = adaptiveRuns(lab, slice, previous);
            MatrixSummary summary;
            try {
                summary = MatrixSession.run(plan, lab, report, slice, previous, filterModule, progress(),
                        adaptiveRuns);
            } catch (PlanException e) {
                throw UserErrors.end("", e);
            } catch (dev.xidlab.lab.LabUnavailableException e) {
                // Found only once the lab is asked to boot (a box removed since): the same kind as before the runs.
                throw UserErrors.end("--lab " + labName + ": ", e);
            }
            print(spec.commandLine().getOut(), summary, report, json.on);
            if (!slice.whole()) {
                spec.commandLine().getErr().printf("shard %d/%d done: merge the shards (xidlab matrix merge) for the"
                        + " verdict%n", slice.index(), slice.count());
                return ExitCode.OK;
            }
            return summary.confirmed() ? ExitCode.OK : ExitCode.CHECK_FAILED;
        } finally {
            lab.close();
        }
    }

    /**
     * Adaptive when asked; otherwise on for the VM lab unless sharded. A resumed matrix goes on as it began: its
     * bounds are valid for the way its runs were chosen.
     */
    private boolean adaptiveRuns(Lab lab, Shard slice, ResultsFile.Contents previous) {
        if (previous != null) {
            boolean began = previous.header().adaptiveRuns();
            if (adaptive != null && adaptive != began) {
                throw new CommandError.Usage(report.resolve(MatrixSession.RESULTS) + " was begun "
                        + (began ? "with" : "without") + " --adaptive: resume it the same way (its bounds hold for"
                        + " the way its runs were chosen)");
            }
            return began;
        }
        return adaptive != null ? adaptive : lab.name().equals(LabName.VAGRANT) && slice.whole();
    }

    private Progress progress() {
        return System.console() != null ? new TerminalProgress(System.err)
                : new PlainProgress(spec.commandLine().getErr());
    }

    /** The --report directory, made and proved writable: a file in its place or no permission is exit 2. */
    static ReportDirectory openReport(Path dir) {
        try {
            return ReportDirectory.open(dir);
        } catch (ReportDirectoryException e) {
            throw UserErrors.end("", e);
        }
    }

    /** Runs a check whose IllegalArgumentException is the user's mistake: one line, exit 2. */
    static void print(PrintWriter out, MatrixSummary s, Path report, boolean json) {
        if (json) {
            JsonOutput.print(out, s);
            return;
        }
        if (s.lab().contains("(")) {
            // The lab's notice (a stand-in guest is not a Windows kernel) comes before any number.
            out.println("lab: " + s.lab());
        }
        TextTable table = new TextTable(ReportWriter.COLUMNS.toArray(String[]::new));
        for (ConfigResult c : s.configs()) {
            table.row(ReportWriter.cells(c).toArray());
        }
        table.print(out);
        out.println(ReportWriter.legend(s));
        out.println();
        for (ConfigResult c : s.configs()) {
            out.printf("  %-16s %s%n", c.name(), c.reason());
        }
        s.configs().stream().filter(c -> c.representativeCrash().isPresent()).findFirst().ifPresent(c -> {
            var r = c.representativeCrash().get();
            out.printf("%n%s: %s%n", r.id(), r.describeCrash());
        });
        if (s.model() != null) {
            out.printf("%nkernel model: %s%n", s.model());
        }
        if (s.adaptive()) {
            out.printf("%n%s%n", ReportWriter.runsLine(s));
        }
        out.printf("%nVERDICT: %s - %s%n", s.verdict().label(), s.reason());
        out.printf("reports: %s (report.html, report.md, summary.json, junit.xml, results.jsonl)%n",
                report.toAbsolutePath().normalize());
        out.flush();
    }
}
