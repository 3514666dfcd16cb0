package dev.xidlab.matrix;

import dev.xidlab.crash.CrashAnalysis;
import dev.xidlab.crash.CrashAnalyzer;
import dev.xidlab.crash.DumpFormatException;
import dev.xidlab.device.Device;
import dev.xidlab.lab.Lab;
import dev.xidlab.lab.RunOutcome;
import dev.xidlab.protocol.ApplyMode;
import dev.xidlab.protocol.DriverStats;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Runs planned runs on a lab, one after another: boot, deploy, configure (and reload, so the registration flags
 * take effect), reset the telemetry, stress, triage the dump, and append the record before the next run. A lab
 * failure is recorded as such and the matrix goes on; it says nothing about the driver.
 */
public final class MatrixRunner {

    private static final int STACK_KEPT = 24;

    private final Lab lab;
    private final Path reportDir;
    private final String filterModule;

    public MatrixRunner(Lab lab, Path reportDir, String filterModule) {
        this.lab = lab;
        this.reportDir = reportDir;
        this.filterModule = filterModule;
    }

    /** Runs every pending run, appending each record to results as it finishes; returns the new records. */
    public List<RunRecord> run(List<PlannedRun> pending, ResultsFile results, Progress progress, int crashesBefore)
            throws IOException {
        List<RunRecord> done = new java.util.ArrayList<>();
        int crashes = crashesBefore;
        for (PlannedRun run : pending) {
            RunRecord record = runOne(run);
            results.append(record);
            done.add(record);
            crashes += record.crashed() ? 1 : 0;
            progress.finished(record, crashes);
        }
        return done;
    }

    RunRecord runOne(PlannedRun run) {
        Path evidence = reportDir.resolve("dumps").resolve(run.config().name()).resolve("run-" + run.run());
        long started = System.nanoTime();
        RunOutcome outcome;
        try {
            lab.boot();
            try (Device device = lab.deployDriver()) {
                device.setConfig(run.config().driver(), ApplyMode.NEXT_LOAD);
                device.reload();
                device.resetStats();
            }
            outcome = lab.stress(run.config().stress(), run.seed(), evidence);
        } catch (RuntimeException e) {
            outcome = new RunOutcome.LabFailure(e.getMessage() == null ? e.toString() : e.getMessage(),
                    java.time.Duration.ofNanos(System.nanoTime() - started));
        }
        return record(run, outcome);
    }

    private RunRecord record(PlannedRun run, RunOutcome outcome) {
        String role = run.config().role().label();
        long millis = outcome.elapsed().toMillis();
        if (outcome instanceof RunOutcome.Survived s) {
            return new RunRecord("run", run.config().name(), role, run.run(), run.seed(), RunRecord.SURVIVED, null,
                    null, null, null, null, null, null, null, s.operations(), millis,
                    s.stats().maxNestingDepth(), s.stats().minRemainingStack(), s.stats().callbacks(),
                    s.stats().pagingIoCallbacks(), s.stats().guardSkips(), null);
        }
        if (outcome instanceof RunOutcome.Bugchecked b) {
            Optional<CrashAnalysis> analysis = Optional.empty();
            String error = null;
            if (b.dump().isPresent()) {
                try {
                    analysis = Optional.of(CrashAnalyzer.analyze(b.dump().get(), filterModule));
                } catch (DumpFormatException e) {
                    error = "dump unreadable: " + e.getMessage();
                }
            } else {
                error = "no dump was written";
            }
            DriverStats stats = b.stats().orElse(null);
            return new RunRecord("run", run.config().name(), role, run.run(), run.seed(), RunRecord.BUGCHECKED,
                    String.format("0x%08X", b.code()), new dev.xidlab.crash.Bugcheck(b.code(), b.parameters()).name(),
                    b.parameters().stream().map(p -> "0x" + Long.toHexString(p)).toList(),
                    analysis.map(CrashAnalysis::reentry).orElse(false),
                    analysis.flatMap(CrashAnalysis::crashModule).orElse(null),
                    analysis.map(CrashAnalysis::recursionDepth).orElse(null),
                    analysis.map(a -> a.stackSignature().subList(0, Math.min(STACK_KEPT, a.stackSignature().size())))
                            .orElse(null),
                    b.dump().map(d -> reportDir.toAbsolutePath().relativize(d.toAbsolutePath()).toString())
                            .orElse(null),
                    b.operations(), millis,
                    stats == null ? null : stats.maxNestingDepth(), stats == null ? null : stats.minRemainingStack(),
                    stats == null ? null : stats.callbacks(), stats == null ? null : stats.pagingIoCallbacks(),
                    stats == null ? null : stats.guardSkips(), error);
        }
        if (outcome instanceof RunOutcome.Hung h) {
            DriverStats stats = h.stats().orElse(null);
            return new RunRecord("run", run.config().name(), role, run.run(), run.seed(), RunRecord.HUNG, null,
                    null, null, null, null, null, null, null, h.operations(), millis,
                    stats == null ? null : stats.maxNestingDepth(), stats == null ? null : stats.minRemainingStack(),
                    stats == null ? null : stats.callbacks(), stats == null ? null : stats.pagingIoCallbacks(),
                    stats == null ? null : stats.guardSkips(), h.reason());
        }
        RunOutcome.LabFailure f = (RunOutcome.LabFailure) outcome;
        return new RunRecord("run", run.config().name(), role, run.run(), run.seed(), RunRecord.LAB_ERROR, null,
                null, null, null, null, null, null, null, 0, millis, null, null, null, null, null, f.reason());
    }
}
