package dev.xidlab.run;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.xidlab.lab.RunOutcome.LabFailure.Phase;
import dev.xidlab.plan.Role;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The format of one run in results.jsonl: flat, absent values left out, field order fixed. Files written by every
 * earlier version must still read (a resumed matrix reads them), so fields are only ever added, never renamed or
 * moved: {@code RunLineFormatTest} pins lines of each outcome. {@code reentry} is written for every run, as it
 * always was; {@code hang} and {@code hangBoundMillis} are the fields hung runs added, and a hung run whose lab
 * forced a dump (the VM lab's NMI) has that bugcheck, its dump and analysis in the crash's fields. {@code labPhase} is written
 * only for a lab error the lab placed before the load ({@code before-load}); a lab error without it, as every
 * earlier version wrote them, reads as one after the load started, which counts against the configuration. The
 * five counts of callbacks by kind ({@code createCallbacks} ... {@code nonCachedWriteCallbacks}) come with the
 * telemetry of drivers that split them, and are absent before. {@code probeExit} is the exit code of the
 * configuration's probe after the load, absent without one (and in every file written before probes).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record RunLine(String type, String config, String role, int run, long seed, String outcome,
               String bugcheck, String bugcheckName, List<String> parameters, boolean reentry,
               String crashModule, Integer recursionDepth, List<String> stack, String dump,
               long operations, long elapsedMillis, Integer maxNestingDepth, Integer minRemainingStack,
               Long callbacks, Long pagingIoCallbacks, Long guardSkips, String hang, Long hangBoundMillis,
               String error, String labPhase, Long createCallbacks, Long cachedReadCallbacks,
               Long nonCachedReadCallbacks, Long cachedWriteCallbacks, Long nonCachedWriteCallbacks,
               Integer probeExit) {

    static final String TYPE = "run";
    static final String BEFORE_LOAD = "before-load";
    static final String PLANNED_RESTART = "planned-restart";

    static RunLine of(RunRecord r) {
        RunRecord.Slot slot = r.slot();
        // A hung run's forced dump (the VM lab's NMI) is written in the crash's fields; its outcome tells them apart.
        Optional<RunRecord.Crash> crash = r.crash().or(() -> r.hang().flatMap(RunRecord.Hang::forced));
        Optional<RunRecord.Analysis> analysis = crash.flatMap(RunRecord.Crash::analysis);
        Optional<Telemetry> t = r.telemetry();
        Optional<Telemetry.Kinds> kinds = t.flatMap(Telemetry::kinds);
        return new RunLine(TYPE, slot.config(), slot.role().label(), slot.run(), slot.seed(), r.outcome().label(),
                crash.map(RunRecord.Crash::bugcheck).orElse(null),
                crash.map(RunRecord.Crash::bugcheckName).orElse(null),
                crash.map(RunRecord.Crash::parameters).orElse(null),
                r.isReentry(),
                analysis.flatMap(RunRecord.Analysis::crashModule).orElse(null),
                analysis.map(RunRecord.Analysis::frameRepeats).orElse(null),
                analysis.map(RunRecord.Analysis::stack).orElse(null),
                crash.flatMap(RunRecord.Crash::dump).orElse(null),
                r.operations(), r.elapsedMillis(),
                t.map(Telemetry::maxNestingDepth).orElse(null),
                t.map(Telemetry::minRemainingStack).orElse(null),
                t.map(Telemetry::callbacks).orElse(null),
                t.map(Telemetry::pagingIoCallbacks).orElse(null),
                t.map(Telemetry::guardSkips).orElse(null),
                r.hang().map(RunRecord.Hang::reason).orElse(null),
                r.hang().map(RunRecord.Hang::boundMillis).orElse(null),
                r.error().orElse(null),
                r.labPhase().filter(Phase::excused)
                        .map(p -> p == Phase.PLANNED_RESTART ? PLANNED_RESTART : BEFORE_LOAD).orElse(null),
                kinds.map(Telemetry.Kinds::creates).orElse(null),
                kinds.map(Telemetry.Kinds::cachedReads).orElse(null),
                kinds.map(Telemetry.Kinds::nonCachedReads).orElse(null),
                kinds.map(Telemetry.Kinds::cachedWrites).orElse(null),
                kinds.map(Telemetry.Kinds::nonCachedWrites).orElse(null),
                r.probe().map(RunRecord.Probe::exitCode).orElse(null));
    }

    RunRecord toRecord() {
        if (!TYPE.equals(type)) {
            throw new IllegalArgumentException("not a run: type '" + type + "'");
        }
        RunRecord.Outcome kind = RunRecord.Outcome.parse(outcome);
        RunRecord.Slot slot = new RunRecord.Slot(require(config, "config"), role(role), run, seed);
        // The counts by kind are written all five or none.
        Optional<Telemetry.Kinds> kinds = createCallbacks == null ? Optional.empty()
                : Optional.of(new Telemetry.Kinds(createCallbacks, orZero(cachedReadCallbacks),
                orZero(nonCachedReadCallbacks), orZero(cachedWriteCallbacks), orZero(nonCachedWriteCallbacks)));
        Optional<Telemetry> telemetry = callbacks == null ? Optional.empty()
                : Optional.of(new Telemetry(orZero(maxNestingDepth), minRemainingStack == null ? -1 : minRemainingStack,
                callbacks, pagingIoCallbacks == null ? 0 : pagingIoCallbacks, guardSkips == null ? 0 : guardSkips,
                kinds));
        // Lines carry the analysis's fields exactly when a dump was read: its frame count is never left out then.
        Optional<RunRecord.Analysis> analysis = recursionDepth == null ? Optional.empty()
                : Optional.of(new RunRecord.Analysis(reentry, Optional.ofNullable(crashModule), recursionDepth,
                stack == null ? List.of() : stack));
        Optional<RunRecord.Crash> stop = kind == RunRecord.Outcome.BUGCHECKED || bugcheck != null
                ? Optional.of(new RunRecord.Crash(require(bugcheck, "bugcheck"), bugcheckName == null ? ""
                : bugcheckName, parameters == null ? List.of() : parameters, analysis, Optional.ofNullable(dump)))
                : Optional.empty();
        Optional<RunRecord.Crash> crash = kind == RunRecord.Outcome.BUGCHECKED ? stop : Optional.empty();
        Optional<RunRecord.Hang> hung = kind != RunRecord.Outcome.HUNG ? Optional.empty()
                : Optional.of(new RunRecord.Hang(hang == null ? "" : hang, hangBoundMillis == null ? 0 : hangBoundMillis,
                stop));
        if (labPhase != null && (!BEFORE_LOAD.equals(labPhase) && !PLANNED_RESTART.equals(labPhase)
                || kind != RunRecord.Outcome.LAB_ERROR)) {
            throw new IllegalArgumentException("'labPhase' is '" + BEFORE_LOAD + "' or '" + PLANNED_RESTART
                    + "' on a lab error or absent, not '" + labPhase + "'");
        }
        Optional<Phase> phase = kind != RunRecord.Outcome.LAB_ERROR ? Optional.empty()
                : Optional.of(labPhase == null ? Phase.AFTER_LOAD
                : PLANNED_RESTART.equals(labPhase) ? Phase.PLANNED_RESTART : Phase.BEFORE_LOAD);
        return new RunRecord(slot, kind, operations, elapsedMillis, crash, hung, telemetry, Optional.ofNullable(error),
                phase, Optional.ofNullable(probeExit).map(RunRecord.Probe::new));
    }

    private static Role role(String label) {
        try {
            return Role.valueOf(require(label, "role").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown role '" + label + "'");
        }
    }

    private static String require(String value, String field) {
        if (value == null) {
            throw new IllegalArgumentException("'" + field + "' is missing");
        }
        return value;
    }

    private static int orZero(Integer value) {
        return value == null ? 0 : value;
    }

    private static long orZero(Long value) {
        return value == null ? 0 : value;
    }
}
