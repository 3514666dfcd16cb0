package dev.xidlab.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import dev.xidlab.lab.RunOutcome.LabFailure.Phase;
import dev.xidlab.plan.Role;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * One finished run, built from what the run was ({@link Slot}), how it ended ({@link Outcome}) and what is known
 * of it: the crash and its analysis, the hang, the driver's telemetry. Written as one line of results.jsonl the
 * moment the run ends, so a killed matrix loses at most the run in flight; {@link RunLine} is that line's format.
 *
 * @param operations the load's operations done before the run ended
 * @param error      what went wrong for a lab error, or what is missing about a crash ("no dump was written")
 * @param labPhase   a lab error's phase: before the load started (excused) or after (a failure); empty otherwise
 * @param probe      the configuration's probe, run in the guest after the run's load; empty without a probe, for a
 *                   run that did not leave the machine up, and in results files written before probes
 */
public record RunRecord(Slot slot, Outcome outcome, long operations, long elapsedMillis, Optional<Crash> crash,
                        Optional<Hang> hang, Optional<Telemetry> telemetry, Optional<String> error,
                        Optional<Phase> labPhase, Optional<Probe> probe) {

    /** A run without a probe result. */
    public RunRecord(Slot slot, Outcome outcome, long operations, long elapsedMillis, Optional<Crash> crash,
                     Optional<Hang> hang, Optional<Telemetry> telemetry, Optional<String> error,
                     Optional<Phase> labPhase) {
        this(slot, outcome, operations, elapsedMillis, crash, hang, telemetry, error, labPhase, Optional.empty());
    }

    /**
     * What the probe's command gave after the load: exit 0 means the filter still does its job (a foreign driver's
     * stand-in for xidfilter's telemetry).
     */
    public record Probe(int exitCode) {

        public boolean passed() {
            return exitCode == 0;
        }
    }

    /** The same run with its probe's result. */
    public RunRecord withProbe(Probe result) {
        return new RunRecord(slot, outcome, operations, elapsedMillis, crash, hang, telemetry, error, labPhase,
                Optional.of(result));
    }

    /** Its probe ran and failed: the filter no longer did its job in this run. */
    public boolean probeFailed() {
        return probe.filter(p -> !p.passed()).isPresent();
    }

    /** Which run of which configuration this was, and the seed of its load. */
    public record Slot(String config, Role role, int run, long seed) {

        public String id() {
            return config + "#" + run;
        }

        /** Where the run's evidence (dumps, event exports, a lab error's logs) is kept, relative to the report. */
        public String evidencePath() {
            return "dumps/" + config + "/run-" + run;
        }
    }

    /** How a run ended, as results.jsonl spells it. */
    public enum Outcome {
        SURVIVED, BUGCHECKED, HUNG, LAB_ERROR;

        public String label() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }

        static Outcome parse(String label) {
            for (Outcome o : values()) {
                if (o.label().equals(label)) {
                    return o;
                }
            }
            throw new IllegalArgumentException("unknown outcome '" + label + "'");
        }
    }

    /**
     * A bugcheck, what its dump said when one could be read, and the dump kept.
     *
     * @param dump the dump kept, relative to the report directory
     */
    public record Crash(String bugcheck, String bugcheckName, List<String> parameters, Optional<Analysis> analysis,
                        Optional<String> dump) {

        public Crash {
            parameters = List.copyOf(parameters);
        }

        public boolean reentry() {
            return analysis.map(Analysis::reentry).orElse(false);
        }

        /** "0x1000007F UNEXPECTED_KERNEL_MODE_TRAP_M (0x8, ...)", as WinDbg shows the stop. */
        public String stop() {
            return bugcheck + " " + bugcheckName + " (" + String.join(", ", parameters) + ")";
        }
    }

    /**
     * What the crash collector found in the dump.
     *
     * @param frameRepeats how often the most repeated frame of a non-system module occurs in the stack the dump
     *                     captured. A minidump keeps only part of the stack, so this can be lower than the driver's
     *                     own count of nested callbacks ({@link Telemetry#maxNestingDepth()}).
     * @param stack        the captured stack as module+offset, innermost first, cut to the frames kept
     */
    public record Analysis(boolean reentry, Optional<String> crashModule, int frameRepeats, List<String> stack) {

        public Analysis {
            stack = List.copyOf(stack);
        }
    }

    /**
     * What stopped answering, and the time it had been given.
     *
     * @param forced the bugcheck the lab forced out of the hung machine (the VM lab's NMI: 0x80 on Windows), with
     *               the dump it left and what the dump's stack says of where the threads were stuck
     */
    public record Hang(String reason, long boundMillis, Optional<Crash> forced) {

        /** A hang the lab kept no dump of. */
        public Hang(String reason, long boundMillis) {
            this(reason, boundMillis, Optional.empty());
        }
    }

    public RunRecord {
        if (outcome == Outcome.BUGCHECKED != crash.isPresent()) {
            throw new IllegalArgumentException("a crash belongs to a bugchecked run, and a bugchecked run has one");
        }
        if (outcome == Outcome.HUNG != hang.isPresent()) {
            throw new IllegalArgumentException("a hang belongs to a hung run, and a hung run has one");
        }
        if (outcome == Outcome.LAB_ERROR && error.isEmpty()) {
            throw new IllegalArgumentException("a lab error says what failed");
        }
        if (outcome == Outcome.LAB_ERROR != labPhase.isPresent()) {
            throw new IllegalArgumentException("a lab error says when it failed, and only a lab error has a phase");
        }
    }

    public static RunRecord survived(Slot slot, long operations, long elapsedMillis, Telemetry telemetry) {
        return survived(slot, operations, elapsedMillis, Optional.of(telemetry));
    }

    /** A survived run; without telemetry when the driver under test is the user's own (it has none). */
    public static RunRecord survived(Slot slot, long operations, long elapsedMillis, Optional<Telemetry> telemetry) {
        return new RunRecord(slot, Outcome.SURVIVED, operations, elapsedMillis, Optional.empty(), Optional.empty(),
                telemetry, Optional.empty(), Optional.empty());
    }

    public static RunRecord bugchecked(Slot slot, Crash crash, long operations, long elapsedMillis,
                                       Optional<Telemetry> telemetry, Optional<String> note) {
        return new RunRecord(slot, Outcome.BUGCHECKED, operations, elapsedMillis, Optional.of(crash),
                Optional.empty(), telemetry, note, Optional.empty());
    }

    public static RunRecord hung(Slot slot, Hang hang, long operations, long elapsedMillis,
                                 Optional<Telemetry> telemetry) {
        return new RunRecord(slot, Outcome.HUNG, operations, elapsedMillis, Optional.empty(), Optional.of(hang),
                telemetry, Optional.empty(), Optional.empty());
    }

    public static RunRecord labError(Slot slot, long elapsedMillis, String reason, Phase phase) {
        return new RunRecord(slot, Outcome.LAB_ERROR, 0, elapsedMillis, Optional.empty(), Optional.empty(),
                Optional.empty(), Optional.of(reason), Optional.of(phase));
    }

    @JsonValue
    RunLine line() {
        return RunLine.of(this);
    }

    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static RunRecord fromLine(RunLine line) {
        return line.toRecord();
    }

    public String id() {
        return slot.id();
    }

    public String config() {
        return slot.config();
    }

    public Role role() {
        return slot.role();
    }

    public boolean crashed() {
        return outcome == Outcome.BUGCHECKED;
    }

    public boolean hung() {
        return outcome == Outcome.HUNG;
    }

    /** A crash, a hang, or a lab error after the load started: what counts against a fix. */
    public boolean failed() {
        return crashed() || hung() || labErrorAfterLoad();
    }

    public boolean isReentry() {
        return crash.map(Crash::reentry).orElse(false);
    }

    /**
     * The crash in one line with both depth measures, named apart: the driver's callback nesting and the frame
     * repeats in the dump's captured stack ({@link dev.xidlab.report.ReportWriter#MEASURES} explains them).
     */
    public String describeCrash() {
        Crash c = crash.orElseThrow();
        StringBuilder text = new StringBuilder(c.stop());
        telemetry.ifPresent(t -> text.append(", callback nesting ").append(t.maxNestingDepth()));
        c.analysis().filter(a -> a.frameRepeats() > 0).ifPresent(a -> text.append(", ").append(a.frameRepeats())
                .append(" repeats of the recursing frame in the dump's stack"));
        return text.toString();
    }

    public boolean labError() {
        return outcome == Outcome.LAB_ERROR;
    }

    /**
     * A lab error the lab proved was its own (its step failed before the load started, or the guest restarted on
     * request): the one kind of run left out.
     */
    public boolean excusedLabError() {
        return labPhase.filter(Phase::excused).isPresent();
    }

    /** A lab error once the load had started: it may be the driver's doing, so it counts as a failure. */
    public boolean labErrorAfterLoad() {
        return labPhase.filter(p -> p == Phase.AFTER_LOAD).isPresent();
    }
}
