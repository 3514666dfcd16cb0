package dev.xidlab.cli;

import dev.xidlab.command.CommandError;
import dev.xidlab.command.ExitCode;
import dev.xidlab.command.TextOrJsonCommand;
import dev.xidlab.lint.DriverLint;
import dev.xidlab.lint.DriverReport;
import dev.xidlab.lint.LintInputException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code xidlab bench lint FILE.sys...}: how long {@code driver lint} takes on each image, first and warm. */
@Command(name = "lint",
        description = {"Time driver lint on each image: the first lint in this JVM (cold: classes loaded, the file"
                + " mapped, everything decoded) and the best warm one, with the thread's CPU time beside the wall"
                + " time. The JVM's own start is not in these figures: time the command for it."})
public final class BenchLintCommand extends TextOrJsonCommand {

    @Parameters(arity = "1..*", paramLabel = "FILE.sys", description = "Driver images to lint.")
    List<Path> files;

    @Option(names = "--iterations", defaultValue = "20", description = "Warm lints timed per image (default"
            + " ${DEFAULT-VALUE}).")
    int iterations;

    /** One image's figures, as docs/benchmarks.md reports them. */
    record Figures(String file, long bytes, long findings, double firstMillis, double bestMillis,
                   double bestCpuMillis, int iterations, String machine) {
    }

    @Override
    public Integer call() throws IOException {
        if (iterations < 1) {
            throw new CommandError.Usage("--iterations must be at least 1");
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        List<Figures> figures = new ArrayList<>();
        for (Path file : files) {
            long start = System.nanoTime();
            DriverReport first = lint(file);
            double firstMillis = (System.nanoTime() - start) / 1e6;
            double best = Double.MAX_VALUE;
            double bestCpu = Double.MAX_VALUE;
            for (int i = 0; i < iterations; i++) {
                long cpu = threads.getCurrentThreadCpuTime();
                long wall = System.nanoTime();
                lint(file);
                best = Math.min(best, (System.nanoTime() - wall) / 1e6);
                bestCpu = Math.min(bestCpu, (threads.getCurrentThreadCpuTime() - cpu) / 1e6);
            }
            figures.add(new Figures(file.toString(), Files.size(file), first.findings().size(), firstMillis, best,
                    bestCpu, iterations, BenchMachine.describe()));
        }
        answer(figures, out -> {
            TextTable table = new TextTable("file", "bytes", "findings", "first ms", "best ms", "best cpu ms");
            figures.forEach(f -> table.row(f.file(), f.bytes(), f.findings(), String.format("%.1f", f.firstMillis()),
                    String.format("%.1f", f.bestMillis()), String.format("%.1f", f.bestCpuMillis())));
            table.print(out);
            out.printf("best of %d warm lints each; %s%n", iterations, BenchMachine.describe());
        });
        return ExitCode.OK;
    }

    private static DriverReport lint(Path file) {
        try {
            return DriverLint.lint(List.of(file)).get(0);
        } catch (LintInputException e) {
            throw new CommandError.Usage(e.getMessage());
        }
    }
}
