package dev.xidlab.run;

import dev.xidlab.crash.CrashAnalysis;
import dev.xidlab.crash.CrashAnalyzer;
import dev.xidlab.device.Device;
import dev.xidlab.dump.Bugcheck;
import dev.xidlab.dump.DumpFormatException;
import dev.xidlab.lab.ForeignDriver;
import dev.xidlab.lab.Lab;
import dev.xidlab.lab.RunOutcome;
import dev.xidlab.plan.PlannedRun;
import dev.xidlab.protocol.ApplyMode;
import dev.xidlab.symbols.SymbolPath;
import dev.xidlab.symbols.SymbolStore;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Runs planned runs on a lab, one after another: boot, deploy, configure (and reload, so the registration flags
 * take effect), reset the telemetry, stress, triage the dump, and append the record before the next run. A
 * configuration with the user's driver package has the lab install and load it instead (it has no controller and
 * no telemetry), its crashes are attributed to its module, and its probe runs after each load that survived. A lab
 * failure is recorded as such, with whether the load had started, and the matrix goes on.
 */
public final class MatrixRunner {

    private static final int STACK_KEPT = 24;

    private final Lab lab;
    private final Path reportDir;
    private final String filterModule;
    private boolean imagesFiled;
    private SymbolStore symbols;

    public MatrixRunner(Lab lab, Path reportDir, String filterModule) {
        this.lab = lab;
        this.reportDir = reportDir;
        this.filterModule = filterModule;
    }

    /**
     * Runs every pending run, appending each record to results as it finishes and to {@code records}; returns the
     * crashes in {@code records} after.
     */
    public int run(List<PlannedRun> pending, ResultsFile results, Progress progress, List<RunRecord> records,
                   int crashesBefore) throws IOException {
        int crashes = crashesBefore;
        for (PlannedRun run : pending) {
            RunRecord record = runOne(run);
            results.append(record);
            records.add(record);
            crashes += record.crashed() ? 1 : 0;
            progress.finished(record, crashes);
        }
        return crashes;
    }

    /**
     * The report's own store (the images the lab filed), then _NT_SYMBOL_PATH when it is set; a server that does
     * not answer is a warning the analysis carries, never a failed run.
     */
    private SymbolStore symbols() {
        if (symbols == null) {
            String path = reportDir.resolve("symbols").toString();
            String user = System.getenv("_NT_SYMBOL_PATH");
            symbols = new SymbolStore(SymbolPath.parse(user == null || user.isBlank() ? path : path + ";" + user,
                    reportDir.resolve("symbols-cache")), warning -> { });
        }
        return symbols;
    }

    RunRecord runOne(PlannedRun run) {
        Path evidence = reportDir.resolve(slot(run).evidencePath());
        long started = System.nanoTime();
        RunOutcome outcome;
        boolean loadStarted = false;
        Optional<ForeignDriver> foreign = run.config().foreign();
        try {
            lab.boot();
            lab.useDriver(foreign);
            if (foreign.isEmpty()) {
                try (Device device = lab.deployDriver()) {
                    fileKernelImages();
                    device.setConfig(run.config().driver(), ApplyMode.NEXT_LOAD);
                    device.reload();
                    device.resetStats();
                }
            } else {
                fileKernelImages();
            }
            loadStarted = true;
            outcome = lab.stress(run.config().stress(), run.seed(), evidence);
        } catch (dev.xidlab.lab.LabUnavailableException e) {
            throw e;        // the lab cannot run this plan at all (a box of another build than the site's): no run
        } catch (RuntimeException e) {
            // Only a step of the lab's own before the load is excused; what fails once the load ran (a dump that
            // cannot be stored, a guest that does not answer) may be the driver's doing and counts against it.
            outcome = new RunOutcome.LabFailure(e.getMessage() == null ? e.toString() : e.getMessage(),
                    java.time.Duration.ofNanos(System.nanoTime() - started),
                    loadStarted ? RunOutcome.LabFailure.Phase.AFTER_LOAD : RunOutcome.LabFailure.Phase.BEFORE_LOAD);
        }
        if (outcome instanceof RunOutcome.LabFailure failure) {
            keepEvidence(evidence, failure.reason());
        }
        RunRecord record = record(run, outcome);
        if (outcome instanceof RunOutcome.Survived && run.config().probe().isPresent()) {
            record = probe(record, run.config().probe().get(), evidence);
        }
        return record;
    }

    /** Once per matrix: the machine's own images make its dumps unwind offline, with the report. */
    private void fileKernelImages() {
        if (!imagesFiled) {
            lab.fileKernelImages(reportDir.resolve("symbols"));
            imagesFiled = true;
        }
    }

    /**
     * The configuration's probe, on the machine the load left up: its exit code joins the run's record. A probe
     * that cannot be run at all gives no result (the verdict says coverage was not measured), and why is kept
     * beside the run's evidence.
     */
    private RunRecord probe(RunRecord record, String command, Path evidence) {
        try {
            return record.withProbe(new RunRecord.Probe(lab.probe(command)));
        } catch (RuntimeException e) {
            try {
                java.nio.file.Files.createDirectories(evidence);
                java.nio.file.Files.writeString(evidence.resolve("probe-error.txt"), "the probe '" + command
                        + "' could not be run: " + e.getMessage() + "\n");
            } catch (java.io.IOException ignored) {
                // The record still says the probe gave no result.
            }
            return record;
        }
    }

    /** The module a crash's recursion is looked for in: the configuration's driver, xidfilter unless it brings one. */
    private String moduleOf(PlannedRun run) {
        return run.config().foreign().map(ForeignDriver::module).orElse(filterModule);
    }

    private static RunRecord.Slot slot(PlannedRun run) {
        return new RunRecord.Slot(run.config().name(), run.config().role(), run.run(), run.seed());
    }

    /**
     * A lab error's reason and what the lab saw, beside the run's other evidence: a red run is diagnosed from the
     * report's files. Keeping them never changes the run's outcome; what could not be kept is said in the file.
     */
    private void keepEvidence(Path evidence, String reason) {
        try {
            java.nio.file.Files.createDirectories(evidence);
            java.nio.file.Files.writeString(evidence.resolve("lab-error.txt"), reason + "\n");
            lab.keepEvidence(evidence, reason);
        } catch (java.io.IOException | RuntimeException e) {
            try {
                java.nio.file.Files.writeString(evidence.resolve("lab-error.txt"), reason + "\n(the lab's evidence"
                        + " could not be kept: " + e.getMessage() + ")\n");
            } catch (java.io.IOException ignored) {
                // The results file still carries the reason.
            }
        }
    }

    private RunRecord record(PlannedRun run, RunOutcome outcome) {
        RunRecord.Slot slot = slot(run);
        long millis = outcome.elapsed().toMillis();
        if (outcome instanceof RunOutcome.Survived s) {
            return RunRecord.survived(slot, s.operations(), millis, s.stats().map(Telemetry::of));
        }
        if (outcome instanceof RunOutcome.Bugchecked b) {
            Optional<RunRecord.Analysis> analysis = Optional.empty();
            Optional<String> note = Optional.empty();
            if (b.dump().isPresent()) {
                try {
                    analysis = Optional.of(analysis(CrashAnalyzer.analyze(b.dump().get(), moduleOf(run), symbols())));
                } catch (DumpFormatException e) {
                    note = Optional.of("dump unreadable: " + e.getMessage());
                }
            } else {
                note = Optional.of("no dump was written");
            }
            RunRecord.Crash crash = crash(new Bugcheck(b.code(), b.parameters()), analysis, b.dump());
            return RunRecord.bugchecked(slot, crash, b.operations(), millis, b.stats().map(Telemetry::of), note);
        }
        if (outcome instanceof RunOutcome.Hung h) {
            return RunRecord.hung(slot, new RunRecord.Hang(h.reason(), h.bound().toMillis(), forced(h, moduleOf(run))),
                    h.operations(), millis, h.stats().map(Telemetry::of));
        }
        RunOutcome.LabFailure failure = (RunOutcome.LabFailure) outcome;
        return RunRecord.labError(slot, millis, failure.reason(), failure.phase());
    }

    private RunRecord.Crash crash(Bugcheck bugcheck, Optional<RunRecord.Analysis> analysis, Optional<Path> dump) {
        return new RunRecord.Crash(String.format("0x%08X", bugcheck.code()), bugcheck.name(),
                bugcheck.parameters().stream().map(p -> "0x" + Long.toHexString(p)).toList(), analysis,
                dump.map(d -> reportDir.toAbsolutePath().relativize(d.toAbsolutePath()).toString()));
    }

    /**
     * The bugcheck the lab forced out of a hung machine (an NMI's), read from the dump it left: where the threads
     * were stuck. A dump that does not read is still in the run's evidence, but says nothing here.
     */
    private Optional<RunRecord.Crash> forced(RunOutcome.Hung h, String module) {
        if (h.dump().isEmpty()) {
            return Optional.empty();
        }
        try {
            CrashAnalysis a = CrashAnalyzer.analyze(h.dump().get(), module, symbols());
            return Optional.of(crash(a.bugcheck(), Optional.of(analysis(a)), h.dump()));
        } catch (DumpFormatException e) {
            return Optional.empty();
        }
    }

    private static RunRecord.Analysis analysis(CrashAnalysis a) {
        List<String> stack = a.stackSignature();
        return new RunRecord.Analysis(a.reentry(), a.crashModule(), a.recursionDepth(),
                stack.subList(0, Math.min(STACK_KEPT, stack.size())));
    }
}
