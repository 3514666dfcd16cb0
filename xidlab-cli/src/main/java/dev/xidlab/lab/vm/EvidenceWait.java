package dev.xidlab.lab.vm;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;

/**
 * When a crashed guest's evidence is complete: a state machine over what each look at the guest showed (the new
 * dumps with their sizes, the System log's events, the time), with no I/O of its own, so every order Windows may
 * produce them in is tested as such.
 *
 * <p>Windows writes Kernel-Power 41 in the kernel phase of the next boot and decides whether to keep
 * {@code MEMORY.DMP} later, when WER reports the fault (and logs 1001, naming the dump it kept). So where a kernel
 * dump is asked for (CrashDumpEnabled 1, 2 or 7) event 41 never ends the wait, nor does a minidump alone: the wait
 * ends on a new kernel dump whose size holds still across two looks, on an event 1001 whose named dump is there and
 * holds still, on WER saying it kept none, on a restart a process asked for (no crash at all), or at the deadline
 * ("dump not written in N s").
 */
final class EvidenceWait {

    /** What the guest's CrashControl says a bugcheck leaves. */
    enum Expect {
        /** CrashDumpEnabled 1 (complete), 2 (kernel) or 7 (automatic): MEMORY.DMP, and a minidump beside it. */
        KERNEL_DUMP,
        /** CrashDumpEnabled 3: a minidump only. */
        MINIDUMP,
        /** CrashDumpEnabled 0: no dump at all; the events are all there will be. */
        NO_DUMP,
        /** A guest that does not say (the stand-in): any new dump, once it holds still. */
        UNKNOWN;

        static Expect of(OptionalInt crashDumpEnabled) {
            if (crashDumpEnabled.isEmpty()) {
                return UNKNOWN;
            }
            return switch (crashDumpEnabled.getAsInt()) {
                case 0 -> NO_DUMP;
                case 1, 2, 7 -> KERNEL_DUMP;
                case 3 -> MINIDUMP;
                default -> UNKNOWN;
            };
        }
    }

    /** One look at the guest: the dumps not in the run's "before" listing, and the events after its cursor. */
    record Look(Instant at, List<GuestDump> fresh, GuestEvents events) {
    }

    /** Why the wait ended. */
    enum Ending {
        /** The dump asked for is there and its size held still. */
        DUMP_WRITTEN,
        /** The dump event 1001 names is there and its size held still. */
        NAMED_DUMP_WRITTEN,
        /** WER said it kept no (full) dump. */
        WINDOWS_KEPT_NONE,
        /** A process asked for the restart, and nothing says the guest crashed. */
        PLANNED_RESTART,
        /** No dump is asked for, and the bugcheck event is there. */
        EVENT_ONLY,
        /** The deadline passed first. */
        DEADLINE
    }

    /** What one look decided: wait on (no ending), or stop, and what the run's notes must say. */
    record Step(Ending ending, String note) {

        boolean done() {
            return ending != null;
        }
    }

    private static final Step WAIT = new Step(null, "");

    private final Expect expect;
    private final Instant deadline;
    private final Duration bound;
    private final Map<String, Long> lastSizes = new HashMap<>();

    /**
     * @param answered when the rebooted guest answered: the bound counts from there
     */
    EvidenceWait(Expect expect, Instant answered, Duration bound) {
        this.expect = expect;
        this.deadline = answered.plus(bound);
        this.bound = bound;
    }

    Expect expect() {
        return expect;
    }

    Step observe(Look look) {
        List<GuestDump> fresh = look.fresh();
        boolean allStill = !fresh.isEmpty() && fresh.stream().allMatch(this::still);
        fresh.forEach(d -> lastSizes.put(key(d.guestPath()), d.size()));
        GuestEvents events = look.events();

        boolean asked = switch (expect) {
            case KERNEL_DUMP -> fresh.stream().anyMatch(GuestDump::kernelDump);
            case MINIDUMP, UNKNOWN, NO_DUMP -> true;
        };
        if (allStill && asked) {
            return new Step(Ending.DUMP_WRITTEN, "");
        }
        List<String> named = events.namedDumps().stream().map(EvidenceWait::key).toList();
        if (allStill && fresh.stream().anyMatch(d -> named.contains(key(d.guestPath())))) {
            return new Step(Ending.NAMED_DUMP_WRITTEN, "");
        }
        if (!events.dumpsNotSaved().isEmpty() && (fresh.isEmpty() || allStill)) {
            return new Step(Ending.WINDOWS_KEPT_NONE, "Windows kept no kernel dump ("
                    + String.join("; ", events.dumpsNotSaved()) + ")");
        }
        if (!events.restarts().isEmpty() && !events.bugcheckSeen() && fresh.isEmpty()) {
            return new Step(Ending.PLANNED_RESTART, events.restarts().get(0).describe());
        }
        if (expect == Expect.NO_DUMP && events.bugcheckSeen() && fresh.isEmpty()) {
            return new Step(Ending.EVENT_ONLY, "CrashDumpEnabled 0: no dump was asked for");
        }
        if (look.at().isBefore(deadline)) {
            return WAIT;
        }
        long seconds = bound.toSeconds();
        if (fresh.isEmpty()) {
            return new Step(Ending.DEADLINE, "dump not written in " + seconds + " s");
        }
        if (!allStill) {
            return new Step(Ending.DEADLINE, "a new dump was still growing after " + seconds + " s: fetched as it was");
        }
        return new Step(Ending.DEADLINE, "the kernel dump was not written in " + seconds + " s (only a minidump was)");
    }

    /** Written, and the same size as at the last look. */
    private boolean still(GuestDump d) {
        return d.size() > 0 && Long.valueOf(d.size()).equals(lastSizes.get(key(d.guestPath())));
    }

    /** Windows paths compare without case, with either slash. */
    static String key(String guestPath) {
        return guestPath.replace('\\', '/').toLowerCase(Locale.ROOT);
    }
}
