package dev.xidlab.cli;

import dev.xidlab.crash.CrashAnalysis;
import dev.xidlab.crash.CrashAnalyzer;
import dev.xidlab.crash.CrashScan;
import dev.xidlab.crash.DumpFormatException;
import dev.xidlab.crash.ScanEntry;
import dev.xidlab.symbols.SymbolStore;
import dev.xidlab.unwind.CallStack;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code xidlab bench crashes DUMP}: how fast a dump is parsed, unwound with the images and PDBs of a symbol path
 * and attributed, and a scan of many.
 */
@Command(name = "crashes", mixinStandardHelpOptions = true,
        description = {"Time triage of one dump (warm): parsing, unwinding both stacks with the images of the symbol"
                + " path, naming frames from its PDBs, attribution; and a scan of a directory of copies of it.",
                "Parsed images and PDBs are cached per store file, as in a scan: warm means they are parsed."},
        footer = ExitCode.FOOTER)
public final class BenchCrashesCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "DUMP", description = "The dump to measure with (e.g. the test fixture).")
    Path dump;

    @Option(names = "--iterations", defaultValue = "2000", description = "Warm parses timed (default ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--copies", defaultValue = "1000", description = "Copies in the scanned directory (default"
            + " ${DEFAULT-VALUE}).")
    int copies;

    @CommandLine.Mixin
    SymbolOptions symbols;

    @Option(names = "--json", description = "Print JSON for machines instead of text.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    /** The figures, as the README reports them. */
    record Figures(String dump, long dumpBytes, String symbols, long framesUnwound, int iterations,
                   double millisPerDumpWarm, double cpuMillisPerDumpWarm, int copies, double scanSeconds, double dumpsPerSecond, long heapMiB,
                   String machine) {
    }

    @Override
    public Integer call() throws IOException {
        if (iterations < 1 || copies < 1) {
            throw new CliException(ExitCode.USAGE, "--iterations and --copies must be at least 1");
        }
        SymbolStore store = symbols.store(spec.commandLine().getErr());
        CrashAnalysis first;
        try {
            first = CrashAnalyzer.analyze(dump, "xidfilter.sys", store);
        } catch (DumpFormatException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage());
        }
        long unwound = first.stacks().stream().mapToLong(CallStack::chainLength).sum();
        try {
            for (int i = 0; i < Math.min(iterations, 500); i++) {
                CrashAnalyzer.analyze(dump, "xidfilter.sys", store);
            }
            // The thread's CPU time beside the wall time: on a machine shared with other work they differ.
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long cpuStart = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            for (int i = 0; i < iterations; i++) {
                CrashAnalyzer.analyze(dump, "xidfilter.sys", store);
            }
            double perDump = (System.nanoTime() - start) / 1e6 / iterations;
            double cpuPerDump = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e6 / iterations;

            Path dir = Files.createTempDirectory("xidlab-bench-scan");
            try {
                for (int i = 0; i < copies; i++) {
                    Files.copy(dump, dir.resolve(String.format("copy-%04d.dmp", i)));
                }
                long scanStart = System.nanoTime();
                List<ScanEntry> entries = CrashScan.scan(CrashScan.collect(List.of(dir)), "xidfilter.sys", store);
                double seconds = (System.nanoTime() - scanStart) / 1e9;
                Runtime rt = Runtime.getRuntime();
                System.gc();        // what stays live, not what the scan left for the collector
                Figures f = new Figures(dump.toString(), Files.size(dump), symbols.describe(), unwound, iterations,
                        perDump, cpuPerDump, entries.size(),
                        seconds, entries.size() / seconds, (rt.totalMemory() - rt.freeMemory()) >> 20,
                        BenchMachine.describe());
                print(f);
            } finally {
                try (Stream<Path> walk = Files.walk(dir)) {
                    for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        } catch (DumpFormatException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage());
        }
        return ExitCode.OK;
    }

    private void print(Figures f) {
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            JsonOutput.print(out, f);
            return;
        }
        out.printf("symbols                  %s%n", f.symbols());
        out.printf("frames unwound           %d (both stacks, context frames included)%n", f.framesUnwound());
        out.printf("triage, warm             %.3f ms per dump, %.3f ms of CPU (%d iterations, %d-byte dump)%n",
                f.millisPerDumpWarm(), f.cpuMillisPerDumpWarm(), f.iterations(), f.dumpBytes());
        out.printf("scan of %d copies        %.2f s, %.0f dumps/s%n", f.copies(), f.scanSeconds(), f.dumpsPerSecond());
        out.printf("heap in use after        %d MiB%n", f.heapMiB());
        out.printf("machine                  %s%n", f.machine());
        out.flush();
    }
}
