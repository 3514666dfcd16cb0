package dev.xidlab.lab.vm;

import dev.xidlab.crash.BugcheckEvent;
import dev.xidlab.crash.EventLogReader;
import dev.xidlab.dump.DumpFormatException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a Windows guest's System log said after a run's cursor, as the evidence wait reads it.
 *
 * <p>Kernel-Power 41 is written early in the next boot, before Windows has decided whether it keeps the kernel
 * dump; WER's SystemErrorReporting writes later, once it has: 1001 "a dump was saved in: %2" (the dump it kept),
 * 1000 "a full dump was not saved", 1006 "a dump was not saved" (sdevents.mc's message ids, which its manifest
 * keeps). User32's 1074 is a restart a process asked for ("the process %1 has initiated the %5 of computer %2 on
 * behalf of user %7 for the following reason: %3, reason code %4"): Windows Update's servicing, never a bugcheck.
 *
 * @param bugchecks     events 1001 and 41 (non-zero code)
 * @param dumpsNotSaved WER's word that no (full) dump was kept, as it said it
 * @param restarts      the restarts someone asked for
 */
record GuestEvents(List<BugcheckEvent> bugchecks, List<String> dumpsNotSaved, List<Restart> restarts) {

    static final GuestEvents NONE = new GuestEvents(List.of(), List.of(), List.of());

    private static final String WER = "Microsoft-Windows-WER-SystemErrorReporting";

    GuestEvents {
        bugchecks = List.copyOf(bugchecks);
        dumpsNotSaved = List.copyOf(dumpsNotSaved);
        restarts = List.copyOf(restarts);
    }

    static GuestEvents read(String xml, String name) throws DumpFormatException {
        if (xml.isBlank()) {
            return NONE;
        }
        List<BugcheckEvent> bugchecks = new ArrayList<>();
        List<String> notSaved = new ArrayList<>();
        List<Restart> restarts = new ArrayList<>();
        for (EventLogReader.Entry e : EventLogReader.entries(xml, name)) {
            Optional<BugcheckEvent> bugcheck = EventLogReader.bugcheck(e, name);
            bugcheck.ifPresent(bugchecks::add);
            if (bugcheck.orElse(null) instanceof BugcheckEvent.WerBugcheck w && w.dumpPath().isEmpty()) {
                notSaved.add("event 1001 names no dump file");
            } else if (e.is(WER, "1000")) {
                notSaved.add("event 1000: a full dump was not saved");
            } else if (e.is(WER, "1006")) {
                notSaved.add("event 1006: a dump was not saved");
            } else if (e.is("User32", "1074")) {
                restarts.add(Restart.of(e, name));
            }
        }
        return new GuestEvents(bugchecks, notSaved, restarts);
    }

    /** A bugcheck with a code: what a crash leaves in the log, and no planned restart does. */
    boolean bugcheckSeen() {
        return bugchecks.stream().anyMatch(e -> e.bugcheck().code() != 0);
    }

    /** When the earliest bugcheck event was logged (guest clock): the crash was before it. */
    Optional<Instant> earliestBugcheck() {
        return bugchecks.stream().filter(e -> e.bugcheck().code() != 0).map(BugcheckEvent::time)
                .min(Instant::compareTo);
    }

    /** The dump files events 1001 name, as guest paths with forward slashes. */
    List<String> namedDumps() {
        return bugchecks.stream().filter(e -> e instanceof BugcheckEvent.WerBugcheck).map(e -> (BugcheckEvent.WerBugcheck) e)
                .flatMap(w -> w.dumpPath().stream()).map(p -> p.replace('\\', '/')).toList();
    }

    /**
     * A restart a process asked for (event 1074).
     *
     * @param process    the image that asked (param1, without the computer name after it)
     * @param reason     the reason's title ("Operating System: Service pack (Planned)")
     * @param reasonCode the SHTDN_REASON_* code (reason.h)
     */
    record Restart(Instant time, String process, String reason, long reasonCode, String type, String user) {

        private static final long MAJOR_MASK = 0x00FF0000L;
        private static final long MINOR_MASK = 0x0000FFFFL;
        private static final long MAJOR_OPERATINGSYSTEM = 0x00020000L;
        /** reason.h's minor reasons for installing: installation, upgrade, service pack, hotfix, security fix. */
        private static final Set<Long> SERVICING_MINORS = Set.of(0x02L, 0x03L, 0x10L, 0x11L, 0x12L);
        private static final Set<String> UPDATERS = Set.of("trustedinstaller.exe", "tiworker.exe",
                "mousocoreworker.exe", "usoclient.exe", "wuauclt.exe");

        static Restart of(EventLogReader.Entry e, String name) throws DumpFormatException {
            String process = e.data().getOrDefault("param1", "").replaceFirst("\\s*\\([^)]*\\)\\s*$", "");
            String code = e.data().getOrDefault("param4", "0").strip().toLowerCase(Locale.ROOT);
            long reasonCode;
            try {
                reasonCode = Long.parseLong(code.startsWith("0x") ? code.substring(2) : code, 16);
            } catch (NumberFormatException x) {
                reasonCode = 0;
            }
            return new Restart(e.time(name), process, e.data().getOrDefault("param3", ""), reasonCode,
                    e.data().getOrDefault("param5", ""), e.data().getOrDefault("param7", ""));
        }

        /** Windows installing updates: an operating-system reason of installing, or one of its updaters asking. */
        boolean servicing() {
            String image = process.substring(Math.max(process.lastIndexOf('\\'), process.lastIndexOf('/')) + 1)
                    .toLowerCase(Locale.ROOT);
            return (reasonCode & MAJOR_MASK) == MAJOR_OPERATINGSYSTEM && SERVICING_MINORS.contains(reasonCode & MINOR_MASK)
                    || UPDATERS.contains(image) || process.toLowerCase(Locale.ROOT).contains("\\servicing\\");
        }

        String describe() {
            return (servicing() ? "Windows servicing (Windows Update) restarted the guest" : "a process restarted the guest")
                    + ": " + process + " asked for a " + (type.isBlank() ? "restart" : type) + " for '" + reason
                    + "' (reason code 0x" + Long.toHexString(reasonCode) + ", event 1074 at " + time + ")";
        }
    }
}
