package dev.xidlab.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xidlab.command.CommandError;
import dev.xidlab.command.ConfigOptions;
import dev.xidlab.command.CrashView;
import dev.xidlab.command.ExitCode;
import dev.xidlab.command.GuestLabs;
import dev.xidlab.command.LabOpener;
import dev.xidlab.command.ModelSwitches;
import dev.xidlab.command.StandInOption;
import dev.xidlab.command.TextOrJsonCommand;
import dev.xidlab.crash.CrashAnalysis;
import dev.xidlab.crash.CrashAnalyzer;
import dev.xidlab.device.Device;
import dev.xidlab.device.DeviceException;
import dev.xidlab.device.ModelOptions;
import dev.xidlab.dump.DumpFormatException;
import dev.xidlab.json.Json;
import dev.xidlab.lab.Lab;
import dev.xidlab.lab.LabException;
import dev.xidlab.lab.LabName;
import dev.xidlab.lab.LoadReport;
import dev.xidlab.lab.RunOutcome;
import dev.xidlab.load.Budget;
import dev.xidlab.load.MemoryPressure;
import dev.xidlab.load.OperationMix;
import dev.xidlab.load.StressProfile;
import dev.xidlab.plan.DefaultPlan;
import dev.xidlab.protocol.ApplyMode;
import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.protocol.DriverStats;
import dev.xidlab.protocol.Labels;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code xidlab stress}: one load with memory pressure on a lab, with one driver configuration. */
@Command(name = "stress",
        description = {"Boot a lab, load the driver with a configuration (the field configuration unless options"
                + " change it), run file I/O with memory pressure, and report how it ended and the telemetry.",
                "Exit 0 when the machine survived the budget, 1 when it bugchecked or hung."})
public final class StressCommand extends TextOrJsonCommand {

    @Option(names = "--lab", paramLabel = "sim|vagrant|local|standin", defaultValue = LabName.SIM,
            description = "Where to run: the kernel model, a Windows VM, this Windows machine, or (only inside the"
                    + " VM lab's stand-in guest) the kernel model that panics the guest's kernel when it bugchecks.")
    String labName;

    @CommandLine.Mixin
    StandInOption standIn;

    @Option(names = "--as-configured",
            description = "Use the driver as it is configured now: no set-config, reload or stats reset (what the"
                    + " VM lab runs in its guest after configuring the driver from the host).")
    boolean asConfigured;

    @Option(names = "--foreign-driver",
            description = "The driver under test is the user's own, which the VM lab installed and loaded (a"
                    + " configuration's driver package): xidfilter is not configured, and no telemetry is reported,"
                    + " for the user's driver has none.")
    boolean foreignDriver;

    @Option(names = "--mix", paramLabel = "C/R/W", description = "Create/read/write percentages (default 20/60/20).")
    String mix;

    @CommandLine.Mixin
    ConfigOptions config;

    @CommandLine.Mixin
    ModelSwitches model;

    @Option(names = "--pressure", paramLabel = "none|low|high|aging-low|aging-high", defaultValue = "high",
            description = "Memory pressure (default ${DEFAULT-VALUE}): low and high also empty the memory lists"
                    + " every cycle; the aging levels let the working set manager choose by age.")
    String pressure;

    @Option(names = "--operations", paramLabel = "N", description = "Operation budget (default 20000).")
    Long operations;

    @Option(names = "--seconds", paramLabel = "S", description = "Time budget, instead of or with --operations.")
    Integer seconds;

    @Option(names = "--workers", paramLabel = "N", defaultValue = "4", description = "I/O workers (1..64).")
    int workers;

    @Option(names = "--processes", paramLabel = "N", defaultValue = "32",
            description = "Processes kept alive and churned (1..4096).")
    int processes;

    @Option(names = "--seed", paramLabel = "S", defaultValue = "1", description = "Seed of the load.")
    long seed;

    @Option(names = "--evidence", paramLabel = "DIR", defaultValue = "xidlab-evidence",
            description = "Where a crash's dump goes (default ${DEFAULT-VALUE}).")
    Path evidence;

    @Option(names = "--result", paramLabel = "FILE",
            description = "Also write the JSON report to FILE when the run ends, whole or not at all: how the VM lab"
                    + " reads the outcome of a load it started detached in its guest.")
    Path result;

    /** The labs --lab may name: the guest's, or every lab in the user's CLI. */
    private final LabOpener labs;

    public StressCommand() {
        this(GuestLabs::open);
    }

    public StressCommand(LabOpener labs) {
        this.labs = labs;
    }

    @Override
    public Integer call() {
        if (foreignDriver && !config.changesNothing()) {
            throw new CommandError.Usage("--foreign-driver runs the user's own driver: xidfilter's configuration"
                    + " options do not apply to it");
        }
        if (asConfigured && !config.changesNothing()) {
            throw new CommandError.Usage("--as-configured keeps the driver's configuration: drop the"
                    + " configuration options or --as-configured");
        }
        DriverConfig driver = config.applyTo(DriverConfig.fieldDefault());
        StressProfile profile = CommandError.usage(() -> new StressProfile(workers, processes,
                mix == null ? DefaultPlan.stress().mix() : OperationMix.parse(mix),
                Labels.parse(MemoryPressure.class, pressure, "memory pressure"),
                new Budget(operations == null ? (seconds == null ? 20_000 : 0) : operations,
                        seconds == null ? null : Duration.ofSeconds(seconds))));
        model.requireModelLab(labName);
        try (Lab lab = labs.openAvailable(labName, standIn, model.applyTo(ModelOptions.DEFAULTS))) {
            RunOutcome outcome;
            try {
                lab.boot();
                if (foreignDriver) {
                    lab.loadInstalledDriver();
                } else try (Device device = lab.deployDriver()) {
                    if (!asConfigured) {
                        device.setConfig(driver, ApplyMode.NEXT_LOAD);
                        device.reload();
                        device.resetStats();
                    }
                }
            } catch (LabException | DeviceException e) {
                // The lab's own step, before any load: whoever reads the result (the VM lab) may excuse it.
                writeResult(labError(RunOutcome.LabFailure.beforeLoad(String.valueOf(e.getMessage()), Duration.ZERO),
                        Map.of()));
                throw new CommandError.Environment("--lab " + labName + ": " + e.getMessage());
            }
            try {
                outcome = withoutTelemetry(lab.stress(profile, seed, evidence));
            } catch (LabException | DeviceException e) {
                throw CommandError.end("--lab " + labName + ": ", e);
            }
            return report(outcome, lab.lastRunDetails());
        }
    }

    /**
     * The user's driver has no telemetry of xidfilter's; what a lab read from its own model of that driver (the
     * stand-in's build of it) is not reported as the user's.
     */
    private RunOutcome withoutTelemetry(RunOutcome outcome) {
        if (!foreignDriver) {
            return outcome;
        }
        if (outcome instanceof RunOutcome.Survived s) {
            return new RunOutcome.Survived(s.operations(), s.elapsed(), Optional.empty());
        }
        if (outcome instanceof RunOutcome.Bugchecked b) {
            return new RunOutcome.Bugchecked(b.code(), b.parameters(), b.dump(), b.evidence(), b.operations(),
                    b.elapsed(), Optional.empty());
        }
        if (outcome instanceof RunOutcome.Hung h) {
            return new RunOutcome.Hung(h.reason(), h.bound(), h.operations(), h.elapsed(), Optional.empty(),
                    h.evidence(), h.dump());
        }
        return outcome;
    }

    /** A lab error as the result says it, with whether the load had started (the VM lab excuses only before). */
    private static Map<String, Object> labError(RunOutcome.LabFailure f, Map<String, Object> details) {
        return new LoadReport.LabError(details, f.reason(), f.phase()).toJson();
    }

    private int report(RunOutcome outcome, Map<String, Object> details) {
        PrintWriter out = spec.commandLine().getOut();
        if (outcome instanceof RunOutcome.LabFailure f) {
            writeResult(labError(f, details));
            throw new CommandError.Environment("the lab failed: " + f.reason());
        }
        LoadReport report;
        Optional<DriverStats> stats;
        if (outcome instanceof RunOutcome.Survived s) {
            report = new LoadReport.Survived(details, s.operations(), s.stats());
            stats = s.stats();
            if (!this.json.on) {
                out.printf("survived %d operations in %d ms%n", s.operations(), s.elapsed().toMillis());
            }
        } else if (outcome instanceof RunOutcome.Hung h) {
            // The dump the lab forced out of the hung machine (the VM lab's NMI): where its threads were stuck.
            Optional<CrashAnalysis> forced = h.dump().flatMap(StressCommand::analyze);
            report = new LoadReport.Hung(details, h.operations(), h.reason(), h.bound().toSeconds(),
                    h.dump().map(Path::toString), forced.map(StressCommand::crashJson), h.stats());
            stats = h.stats();
            if (!this.json.on) {
                out.printf("HUNG after %d operations: %s (bound %d s)%n", h.operations(), h.reason(),
                        h.bound().toSeconds());
                h.dump().ifPresent(d -> out.printf("  dump: %s%n", d));
                forced.ifPresent(a -> out.printf("  %s%n", CrashView.of(a).verdict()));
                h.evidence().forEach(e -> out.printf("  evidence: %s%n", e));
            }
        } else {
            RunOutcome.Bugchecked b = (RunOutcome.Bugchecked) outcome;
            var bugcheck = new dev.xidlab.dump.Bugcheck(b.code(), b.parameters());
            Optional<CrashAnalysis> analysis = b.dump().flatMap(StressCommand::analyze);
            report = new LoadReport.Bugchecked(details, b.operations(), bugcheck.describe(),
                    b.dump().map(Path::toString), analysis.map(StressCommand::crashJson), b.stats());
            stats = b.stats();
            if (!this.json.on) {
                out.printf("BUGCHECK after %d operations: %s%n", b.operations(), bugcheck.describe());
                out.printf("  %s%n", bugcheck.parameterMeaning());
                b.dump().ifPresent(d -> out.printf("  dump: %s%n", d));
                analysis.ifPresent(a -> out.printf("  %s%n", CrashView.of(a).verdict()));
            }
        }
        Map<String, Object> json = report.toJson();
        writeResult(json);
        answer(json, text -> stats.ifPresent(s -> text.printf("telemetry: %d callbacks (%d paging I/O), %d lookups,"
                + " max nesting %d, min stack left %s, guard skips %d%n", s.callbacks(), s.pagingIoCallbacks(),
                s.lookups(), s.maxNestingDepth(), s.stackSeen() ? s.minRemainingStack() + " bytes" : "not seen",
                s.guardSkips())));
        return outcome instanceof RunOutcome.Survived ? ExitCode.OK : ExitCode.CHECK_FAILED;
    }

    /** The crash reader's view as the report carries it. */
    private static JsonNode crashJson(CrashAnalysis analysis) {
        return Json.mapper().valueToTree(CrashView.of(analysis));
    }

    /** Written beside and moved into place, so a reader polling for the file never sees half of it. */
    private void writeResult(Map<String, Object> report) {
        if (result == null) {
            return;
        }
        Path partial = result.resolveSibling(result.getFileName() + ".part");
        try {
            Files.write(partial, Json.mapper().writeValueAsBytes(report));
            Files.move(partial, result, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new CommandError.Environment("cannot write the result to " + result + ": " + e.getMessage());
        }
    }

    private static Optional<CrashAnalysis> analyze(Path dump) {
        try {
            return Optional.of(CrashAnalyzer.analyze(dump, "xidfilter.sys"));
        } catch (DumpFormatException e) {
            return Optional.empty();
        }
    }
}
