package dev.xidlab.cli;

import dev.xidlab.command.CommandError;
import dev.xidlab.command.ExitCode;
import dev.xidlab.command.TextOrJsonCommand;
import dev.xidlab.lab.Lab;
import dev.xidlab.lab.LabName;
import dev.xidlab.matrix.MatrixSession;
import dev.xidlab.plan.DefaultPlan;
import dev.xidlab.plan.Plan;
import dev.xidlab.plan.PlanException;
import dev.xidlab.plan.Shard;
import dev.xidlab.run.Progress;
import dev.xidlab.run.RunRecord;
import dev.xidlab.verdict.MatrixSummary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code xidlab bench matrix}: the wall time of the default matrix on the kernel model, and runs per second. */
@Command(name = "matrix",
        description = "Run the default plan on the kernel model into a temporary directory and time it.")
public final class BenchMatrixCommand extends TextOrJsonCommand {

    @Option(names = "--repeat", defaultValue = "3", description = "Matrices timed; the fastest is reported"
            + " (default ${DEFAULT-VALUE}).")
    int repeat;

    @Option(names = "--adaptive", description = "Time the adaptive matrix (the runs it needs, not all 200).")
    boolean adaptive;

    record Figures(int runs, double bestSeconds, double runsPerSecond, String verdict, String machine) {
    }

    /** Counts runs without printing: the benchmark times the matrix, not a terminal. */
    private static final class Silent implements Progress {
        public void started(int pending, int alreadyDone) {
        }

        public void finished(RunRecord record, int crashesSoFar) {
        }

        public void close() {
        }
    }

    @Override
    public Integer call() throws IOException, PlanException {
        if (repeat < 1) {
            throw new CommandError.Usage("--repeat must be at least 1");
        }
        Plan plan = DefaultPlan.plan();
        double best = Double.MAX_VALUE;
        MatrixSummary summary = null;
        for (int i = 0; i < repeat; i++) {
            Path dir = Files.createTempDirectory("xidlab-bench-matrix");
            try (Lab lab = Labs.open(LabName.SIM)) {
                lab.checkAvailable();
                long start = System.nanoTime();
                summary = MatrixSession.run(plan, lab, dir, Shard.WHOLE, null, "xidfilter.sys", new Silent(),
                        adaptive);
                best = Math.min(best, (System.nanoTime() - start) / 1e9);
            } finally {
                try (Stream<Path> walk = Files.walk(dir)) {
                    for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        }
        int runs = summary.recordedRuns();
        Figures f = new Figures(runs, best, runs / best, summary.verdict().label(),
                BenchMachine.describe());
        answer(f, out -> {
            out.printf("default matrix%s: %d runs in %.2f s (best of %d), %.0f runs/s, verdict %s%n",
                    adaptive ? " (adaptive)" : "", f.runs(), f.bestSeconds(), repeat, f.runsPerSecond(), f.verdict());
            out.printf("machine: %s%n", f.machine());
        });
        return ExitCode.OK;
    }
}
