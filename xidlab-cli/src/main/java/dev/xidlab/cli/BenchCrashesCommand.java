package dev.xidlab.cli;

import dev.xidlab.command.CommandError;
import dev.xidlab.command.ExitCode;
import dev.xidlab.command.TextOrJsonCommand;
import dev.xidlab.crash.CrashAnalysis;
import dev.xidlab.crash.CrashAnalyzer;
import dev.xidlab.crash.CrashScan;
import dev.xidlab.crash.ScanEntry;
import dev.xidlab.device.Device;
import dev.xidlab.device.KernelModel;
import dev.xidlab.device.ModelOptions;
import dev.xidlab.dump.DumpFormatException;
import dev.xidlab.lab.RunOutcome;
import dev.xidlab.lab.sim.SimLab;
import dev.xidlab.protocol.ApplyMode;
import dev.xidlab.protocol.DriverConfig;
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
import java.util.Optional;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code xidlab bench crashes DUMP}: how fast a dump is parsed, unwound with the images and PDBs of a symbol path
 * and attributed, a scan of many, and the analysis of the kernel memory dump the kernel model writes for the
 * baseline's double fault (page walk, module list, the overflowed stack behind the trap frame, both stacks unwound
 * with the .pdata of the dump's own module images).
 */
@Command(name = "crashes",
        description = {"Time triage of one dump (warm): parsing, unwinding both stacks with the images of the symbol"
                + " path, naming frames from its PDBs, attribution; and a scan of a directory of copies of it.",
                "Parsed images and PDBs are cached per store file, as in a scan: warm means they are parsed.",
                "Where the kernel model runs, also the analysis of the kernel memory dump it writes for the"
                        + " baseline's crash."})
public final class BenchCrashesCommand extends TextOrJsonCommand {

    @Parameters(index = "0", paramLabel = "DUMP", description = "The dump to measure with (e.g. the test fixture).")
    Path dump;

    @Option(names = "--iterations", defaultValue = "2000", description = "Warm parses timed (default ${DEFAULT-VALUE}).")
    int iterations;

    @Option(names = "--copies", defaultValue = "1000", description = "Copies in the scanned directory (default"
            + " ${DEFAULT-VALUE}).")
    int copies;

    @CommandLine.Mixin
    SymbolOptions symbols;

    /** The figures, as docs/benchmarks.md reports them; the kernel dump's are absent where the model cannot run. */
    record Figures(String dump, long dumpBytes, String symbols, long framesUnwound, int iterations,
                   double millisPerDumpWarm, double cpuMillisPerDumpWarm, int copies, double scanSeconds,
                   double dumpsPerSecond, long heapMiB, Optional<KernelDumpFigures> kernelDump, String machine) {
    }

    /** The model's kernel memory dump of the re-entry crash, analysed warm. */
    record KernelDumpFigures(long bytes, long pagesPresent, int iterations, double millisPerDumpWarm,
                             double cpuMillisPerDumpWarm, int recursionDepth, long framesUnwound) {
    }

    @Override
    public Integer call() throws IOException {
        if (iterations < 1 || copies < 1) {
            throw new CommandError.Usage("--iterations and --copies must be at least 1");
        }
        SymbolStore store = symbols.store(spec.commandLine().getErr());
        CrashAnalysis first;
        try {
            first = CrashAnalyzer.analyze(dump, "xidfilter.sys", store);
        } catch (DumpFormatException e) {
            throw new CommandError.Usage(e.getMessage());
        }
        long unwound = unwound(first);
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
                long heap = (rt.totalMemory() - rt.freeMemory()) >> 20;
                Figures f = new Figures(dump.toString(), Files.size(dump), symbols.describe(), unwound, iterations,
                        perDump, cpuPerDump, entries.size(), seconds, entries.size() / seconds, heap, kernelDump(dir),
                        BenchMachine.describe());
                answer(f, out -> print(out, f));
            } finally {
                try (Stream<Path> walk = Files.walk(dir)) {
                    for (Path p : (Iterable<Path>) walk.sorted(Comparator.reverseOrder())::iterator) {
                        Files.deleteIfExists(p);
                    }
                }
            }
        } catch (DumpFormatException e) {
            throw new CommandError.Usage(e.getMessage());
        }
        return ExitCode.OK;
    }

    /** Crashes the model's baseline with a kernel dump and times its analysis; empty where the model cannot run. */
    private Optional<KernelDumpFigures> kernelDump(Path scratch) throws DumpFormatException, IOException {
        if (KernelModel.unavailableReason().isPresent()) {
            return Optional.empty();
        }
        Path kernel;
        try (SimLab lab = new SimLab(ModelOptions.DEFAULTS.withDump(ModelOptions.Dump.KERNEL))) {
            lab.boot();
            try (Device device = lab.deployDriver()) {
                device.setConfig(DriverConfig.fieldDefault(), ApplyMode.NEXT_LOAD);
                device.reload();
            }
            RunOutcome outcome = lab.stress(SimLab.defaultProfile(), 1, scratch.resolve("kernel"));
            if (!(outcome instanceof RunOutcome.Bugchecked b) || b.dump().isEmpty()) {
                throw new CommandError.Internal("the model's baseline did not crash with a dump: " + outcome);
            }
            kernel = b.dump().get();
        }
        int rounds = Math.max(1, iterations / 4);
        for (int i = 0; i < Math.min(rounds, 200); i++) {
            CrashAnalyzer.analyze(kernel, "xidfilter.sys");
        }
        CrashAnalysis a = null;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuStart = threads.getCurrentThreadCpuTime();
        long start = System.nanoTime();
        for (int i = 0; i < rounds; i++) {
            a = CrashAnalyzer.analyze(kernel, "xidfilter.sys");
        }
        double perDump = (System.nanoTime() - start) / 1e6 / rounds;
        double cpuPerDump = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e6 / rounds;
        return Optional.of(new KernelDumpFigures(Files.size(kernel), a.header().bitmapPresentPages().orElse(0L),
                rounds, perDump, cpuPerDump, a.recursionDepth(), unwound(a)));
    }

    private static long unwound(CrashAnalysis a) {
        return a.stacks().stream().mapToLong(CallStack::chainLength).sum();
    }

    private static void print(PrintWriter out, Figures f) {
        out.printf("symbols                  %s%n", f.symbols());
        out.printf("frames unwound           %d (both stacks, context frames included)%n", f.framesUnwound());
        out.printf("triage, warm             %.3f ms per dump, %.3f ms of CPU (%d iterations, %d-byte dump)%n",
                f.millisPerDumpWarm(), f.cpuMillisPerDumpWarm(), f.iterations(), f.dumpBytes());
        out.printf("scan of %d copies        %.2f s, %.0f dumps/s%n", f.copies(), f.scanSeconds(), f.dumpsPerSecond());
        out.printf("heap in use after        %d MiB%n", f.heapMiB());
        f.kernelDump().ifPresentOrElse(k -> out.printf("kernel dump, warm        %.3f ms per dump, %.3f ms of CPU (%d"
                        + " iterations, the model's %d-byte SDMP dump of %d pages: page walk, modules, the overflowed"
                        + " stack, recursion %d deep, %d frames unwound from the dump's .pdata)%n",
                        k.millisPerDumpWarm(), k.cpuMillisPerDumpWarm(), k.iterations(), k.bytes(), k.pagesPresent(),
                        k.recursionDepth(), k.framesUnwound()),
                () -> out.printf("kernel dump              not measured: %s%n", KernelModel.unavailableReason().get()));
        out.printf("machine                  %s%n", f.machine());
    }
}
