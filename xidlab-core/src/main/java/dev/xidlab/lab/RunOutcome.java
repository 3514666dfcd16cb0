package dev.xidlab.lab;

import dev.xidlab.protocol.DriverStats;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** How one stress run on a lab ended. */
public sealed interface RunOutcome {

    Duration elapsed();

    /**
     * The budget was spent and the machine is still up. {@code stats} is xidfilter's telemetry; a user's own driver
     * (a configuration's driver package) has none.
     */
    record Survived(long operations, Duration elapsed, Optional<DriverStats> stats) implements RunOutcome {

        public Survived(long operations, Duration elapsed, DriverStats stats) {
            this(operations, elapsed, Optional.of(stats));
        }
    }

    /**
     * The machine bugchecked. {@code dump} is the crash dump collected (if one was written); {@code stats} the
     * driver's telemetry as last seen (the model knows it at the crash; a real machine may not).
     */
    record Bugchecked(long code, List<Long> parameters, Optional<Path> dump, List<Path> evidence,
                      long operations, Duration elapsed, Optional<DriverStats> stats) implements RunOutcome {

        public Bugchecked {
            parameters = List.copyOf(parameters);
            evidence = List.copyOf(evidence);
        }
    }

    /**
     * The machine stopped answering: the load, or the guest itself, did not answer within {@code bound}. On a real
     * kernel re-entry through paging I/O can end here instead of in a bugcheck (a fault that collides with the
     * thread's own in-page read waits for it forever), so a hang is an outcome of the driver under test, and a fix
     * that hangs has failed as surely as one that crashed. A lab returns it only for a machine it had proved alive
     * for this run (booted, driver deployed and configured); a machine that never came up is a {@link LabFailure}.
     *
     * @param reason    what stopped answering, in a person's words ("the load's ssh session sent nothing for 70 min")
     * @param bound     the time it was given before it counted as hung
     * @param operations the operations the load reported before it stopped answering (0 when unknown)
     * @param stats     the driver's telemetry as last seen, when the lab could read it
     * @param evidence  what the lab kept of the hung machine (a forced dump, its logs), possibly nothing
     * @param dump      the dump the lab forced out of the hung machine (an NMI's bugcheck, 0x80 on Windows), one of
     *                  the evidence: where the threads were stuck, when the dump holds their stacks
     */
    record Hung(String reason, Duration bound, long operations, Duration elapsed, Optional<DriverStats> stats,
                List<Path> evidence, Optional<Path> dump) implements RunOutcome {

        public Hung {
            evidence = List.copyOf(evidence);
        }

        /** A hang the lab kept no dump of. */
        public Hung(String reason, Duration bound, long operations, Duration elapsed, Optional<DriverStats> stats,
                    List<Path> evidence) {
            this(reason, bound, operations, elapsed, stats, evidence, Optional.empty());
        }
    }

    /**
     * The lab failed to give the run an outcome. When it failed matters: a lab's own step that failed before the
     * load started (a boot, the driver's deployment, the guest not ready) says nothing about the driver and is
     * excused; anything after the load started (a guest that went down and left no dump, one that never came back,
     * a load that died, a dump or evidence that could not be stored) may be the driver's doing, and counts against
     * the configuration as a failure.
     *
     * @param phase when it failed; a lab that cannot prove it failed before the load says {@link Phase#AFTER_LOAD}
     */
    record LabFailure(String reason, Duration elapsed, Phase phase) implements RunOutcome {

        /** When a lab failed, relative to the start of the load. */
        public enum Phase {
            /** The lab's own step failed before the load started: the run is not counted. */
            BEFORE_LOAD,
            /** The load had started: the run counts against the configuration as a failure. */
            AFTER_LOAD,
            /**
             * The guest restarted because a process asked it to (Windows Update's servicing, most often) while the
             * load ran: an orderly restart, which a driver under test does not cause, so it is excused as the lab's
             * own failure wherever in the run it came.
             */
            PLANNED_RESTART;

            /** Left out of the configuration's runs, as the lab's own failure. */
            public boolean excused() {
                return this != AFTER_LOAD;
            }
        }

        public LabFailure {
            if (reason == null || phase == null) {
                throw new IllegalArgumentException("a lab failure says what failed and when");
            }
        }

        /** A failure the lab cannot place before the load: held against the configuration. */
        public LabFailure(String reason, Duration elapsed) {
            this(reason, elapsed, Phase.AFTER_LOAD);
        }

        /** The lab's own step failed before the load started. */
        public static LabFailure beforeLoad(String reason, Duration elapsed) {
            return new LabFailure(reason, elapsed, Phase.BEFORE_LOAD);
        }

        /** The guest restarted on request during the load (see {@link Phase#PLANNED_RESTART}). */
        public static LabFailure plannedRestart(String reason, Duration elapsed) {
            return new LabFailure("the guest restarted on request during the load, not from a crash: " + reason,
                    elapsed, Phase.PLANNED_RESTART);
        }
    }
}
