package dev.xidlab.lab.vm;

import dev.xidlab.crash.BugcheckEvent;
import dev.xidlab.dump.CrashDump;
import dev.xidlab.dump.DumpFormatException;
import dev.xidlab.dump.DumpReader;
import dev.xidlab.lab.LabException;
import dev.xidlab.lab.runner.CommandResult;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a crashed guest left, fetched once it is back. A guest answers SSH before Windows has logged event 1001
 * and before it has copied the dump out of the pagefile, so collecting at the first answer finds nothing: the
 * wait's rule is {@link EvidenceWait}'s. New means not in the listing taken before the run (by name, or the same
 * name rewritten), never "newer than a time", so no clock is compared with the host's.
 *
 * <p>A kernel dump that lands after the wait ended is not lost to the next run: the run is kept in a {@link Ledger},
 * and the dump, found at the next listing (or among the next crash's), is fetched into that run's evidence when its
 * header's crash time is before what the guest's own clock said at the end of that run's wait.
 */
final class Evidence {

    /**
     * What was found: every file fetched, the dumps kept as this run's (as the guest listed them), those that read,
     * the bugcheck events, why the wait ended, and a restart a process asked for when that is what the reboot was.
     */
    record Found(List<Path> files, List<GuestDump> kept, List<Fetched> dumps, List<BugcheckEvent> events,
                 List<String> notes, EvidenceWait.Ending ending, Optional<GuestEvents.Restart> restart) {
    }

    /** A dump fetched and read. */
    record Fetched(GuestDump listed, CrashDump dump) {
    }

    interface Pause {
        void sleep(Duration d) throws InterruptedException;
    }

    /**
     * The run whose kernel dump had not been written when its wait ended, kept across the runs of one lab so a
     * late dump is that run's, never the next one's. One at most: a later crash overwrites the pagefile the earlier
     * dump would have come from.
     */
    static final class Ledger {

        /**
         * @param directory     the run's evidence directory
         * @param crashedBefore the guest's clock at the end of the run's wait (or its first bugcheck event): its
         *                      crash was before, a later one's after
         * @param seen          the guest's dumps at the end of the wait
         */
        record Pending(Path directory, Optional<Instant> crashedBefore, List<GuestDump> seen) {
        }

        private Optional<Pending> pending = Optional.empty();

        Optional<Pending> pending() {
            return pending;
        }

        void await(Pending p) {
            pending = Optional.of(p);
        }

        void clear() {
            pending = Optional.empty();
        }

        /** The waiting run, when a dump of this crash time is its (the crash was before its wait ended). */
        Optional<Pending> owner(Instant crashTime) {
            return pending.filter(p -> p.crashedBefore().isPresent() && crashTime.isBefore(p.crashedBefore().get()));
        }
    }

    private final Supplier<GuestShell> shells;
    private final GuestOs guest;
    private final Duration bound;
    private final Duration interval;
    private final Pause pause;
    private final Clock clock;
    private final Ledger ledger;
    private final LabTrace trace;

    Evidence(Supplier<GuestShell> shells, GuestOs guest, Duration bound, Duration interval, Pause pause, Clock clock,
             Ledger ledger, LabTrace trace) {
        this.trace = trace;
        this.shells = shells;
        this.guest = guest;
        this.bound = bound;
        this.interval = interval;
        this.pause = pause;
        this.clock = clock;
        this.ledger = ledger;
    }

    /**
     * Dumps in the guest now, taken before a run: a late dump of an earlier run found here is fetched into that
     * run's evidence first (it is in this listing, so it is never this run's).
     */
    List<GuestDump> listing() {
        List<GuestDump> now = look().dumps();
        Optional<Ledger.Pending> pending = ledger.pending();
        if (pending.isPresent() && !fresh(pending.get().seen(), now).isEmpty()) {
            now = settle(pending.get(), now);
        }
        return now;
    }

    /** One listing: the dumps, and what CrashControl asks for. */
    private record Listing(List<GuestDump> dumps, EvidenceWait.Expect expect) {
    }

    private Listing look() {
        CommandResult r = shells.get().exec(guest.commandLine(guest.listDumpsScript()), Duration.ofMinutes(1));
        if (!r.succeeded()) {
            throw new LabException("listing the guest's crash dumps failed: " + r.lastErrorLine());
        }
        return new Listing(guest.parseDumps(r.stdout()), EvidenceWait.Expect.of(guest.crashDumpSetting(r.stdout())));
    }

    /**
     * Waits for the crash's evidence (bounded), then fetches it into {@code directory}.
     *
     * @param before the listing taken before the run
     */
    Found collect(List<GuestDump> before, RunMark mark, Path directory) {
        Instant answered = clock.instant();
        List<String> notes = new ArrayList<>();
        EvidenceWait wait = null;
        Listing listing;
        List<GuestDump> fresh;
        String eventsXml;
        GuestEvents events;
        EvidenceWait.Step step;
        while (true) {
            listing = look();
            if (wait == null) {
                wait = new EvidenceWait(listing.expect(), answered, bound);
            }
            fresh = fresh(before, listing.dumps());
            eventsXml = events(mark);
            events = readEvents(eventsXml, notes);
            step = wait.observe(new EvidenceWait.Look(clock.instant(), fresh, events));
            if (step.done()) {
                break;
            }
            sleep();
        }
        if (!step.note().isEmpty()) {
            notes.add(step.note());
        }
        Found found = fetch(fresh, events, eventsXml, directory, notes, step.ending());
        boolean unwritten = step.ending() == EvidenceWait.Ending.DEADLINE
                || step.ending() == EvidenceWait.Ending.DUMP_WRITTEN;
        if (wait.expect() == EvidenceWait.Expect.KERNEL_DUMP && unwritten
                && found.kept().stream().noneMatch(GuestDump::kernelDump)) {
            // Its kernel dump may still come (or the one seen was an earlier run's): it is this run's when it does.
            GuestEvents seen = events;
            ledger.await(new Ledger.Pending(directory, guestClock().or(seen::earliestBugcheck), listing.dumps()));
        } else if (step.ending() != EvidenceWait.Ending.PLANNED_RESTART) {
            ledger.clear();
        }
        return found;
    }

    /** A late dump of the waiting run: fetched once it holds still (bounded), and kept with that run if it is its. */
    private List<GuestDump> settle(Ledger.Pending p, List<GuestDump> now) {
        EvidenceWait wait = new EvidenceWait(EvidenceWait.Expect.UNKNOWN, clock.instant(), bound);
        List<GuestDump> late = fresh(p.seen(), now);
        while (!late.isEmpty() && !wait.observe(new EvidenceWait.Look(clock.instant(), late, GuestEvents.NONE)).done()) {
            sleep();
            now = look().dumps();
            late = fresh(p.seen(), now);
        }
        for (GuestDump d : late) {
            try {
                Files.createDirectories(p.directory());
                Path target = unused(p.directory().resolve(d.name()));
                shells.get().download(d.guestPath(), target);
                Optional<Instant> crashed = crashTime(target);
                if (crashed.isPresent() && ledger.owner(crashed.get()).isEmpty() && p.crashedBefore().isPresent()) {
                    // A crash after that run's wait (between runs): no run's, and listed, so not the coming run's.
                    Files.delete(target);
                    trace.step(d.name() + " is from a crash at " + crashed.get() + ", after the last run's wait:"
                            + " it belongs to no run");
                    continue;
                }
                lateNote(p.directory(), d, crashed);
            } catch (IOException | LabException e) {
                trace.step("a late " + d.name() + " could not be fetched into " + p.directory() + ": "
                        + e.getMessage());
            }
        }
        ledger.clear();
        return now;
    }

    /** The late dump says where it came from, beside the run's other evidence. */
    private void lateNote(Path directory, GuestDump d, Optional<Instant> crashed) throws IOException {
        String line = d.name() + " (" + d.size() + " bytes) was written after this run's wait ended and fetched at "
                + clock.instant() + crashed.map(t -> "; its crash time " + t).orElse("") + "\n";
        Files.writeString(directory.resolve("late-evidence.txt"), line, StandardCharsets.UTF_8,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
        trace.step("late " + d.name() + " fetched into " + directory);
    }

    private static Optional<Instant> crashTime(Path dump) {
        try {
            return Optional.of(DumpReader.read(dump).header().systemTime());
        } catch (DumpFormatException e) {
            return Optional.empty();
        }
    }

    private Optional<Instant> guestClock() {
        Optional<String> script = guest.clockScript();
        if (script.isEmpty()) {
            return Optional.empty();
        }
        try {
            CommandResult r = shells.get().exec(guest.commandLine(script.get()), Duration.ofMinutes(1));
            return r.succeeded() ? Optional.of(Instant.parse(r.stdout().strip())) : Optional.empty();
        } catch (DateTimeParseException | LabException e) {
            return Optional.empty();
        }
    }

    private void sleep() {
        try {
            pause.sleep(interval);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted while waiting for the guest's dump");
        }
    }

    private static GuestEvents readEvents(String xml, List<String> notes) {
        try {
            return GuestEvents.read(xml, "guest System log");
        } catch (DumpFormatException e) {
            String note = "the guest's bugcheck events did not read: " + e.getMessage();
            if (!notes.contains(note)) {
                notes.add(note);
            }
            return GuestEvents.NONE;
        }
    }

    static List<GuestDump> fresh(List<GuestDump> before, List<GuestDump> now) {
        List<GuestDump> fresh = new ArrayList<>();
        for (GuestDump d : now) {
            boolean known = before.stream().anyMatch(b -> b.guestPath().equalsIgnoreCase(d.guestPath())
                    && b.stamp().equals(d.stamp()) && b.size() == d.size());
            if (!known) {
                fresh.add(d);
            }
        }
        return fresh;
    }

    private String events(RunMark mark) {
        Optional<String> script = guest.bugcheckEventsScript(mark.eventCursor());
        if (script.isEmpty()) {
            return "";
        }
        CommandResult r = shells.get().exec(guest.commandLine(script.get()), Duration.ofMinutes(1));
        return r.succeeded() ? r.stdout() : "";
    }

    private Found fetch(List<GuestDump> fresh, GuestEvents events, String eventsXml, Path directory,
                        List<String> notes, EvidenceWait.Ending ending) {
        List<Path> files = new ArrayList<>();
        List<GuestDump> kept = new ArrayList<>();
        List<Fetched> dumps = new ArrayList<>();
        try {
            Files.createDirectories(directory);
            for (GuestDump d : fresh.stream().sorted((a, b) -> Boolean.compare(a.kernelDump(), b.kernelDump())).toList()) {
                Path target = unused(directory.resolve(d.name()));
                shells.get().download(d.guestPath(), target);
                CrashDump dump;
                try {
                    dump = DumpReader.read(target);
                } catch (DumpFormatException e) {
                    files.add(target);
                    kept.add(d);
                    notes.add(d.name() + " is not a readable dump (" + e.getMessage() + "): kept as evidence");
                    continue;
                }
                Optional<Ledger.Pending> earlier = ledger.owner(dump.header().systemTime());
                if (earlier.isPresent()) {
                    // An earlier run's late dump that landed during this run: it goes to that run.
                    Path moved = unused(earlier.get().directory().resolve(d.name()));
                    Files.createDirectories(moved.getParent());
                    Files.move(target, moved);
                    lateNote(earlier.get().directory(), d, Optional.of(dump.header().systemTime()));
                    notes.add(d.name() + " is an earlier run's crash (" + dump.header().systemTime()
                            + "): kept with that run");
                    continue;
                }
                files.add(target);
                kept.add(d);
                dumps.add(new Fetched(d, dump));
            }
            if (!eventsXml.isBlank()) {
                Path target = unused(directory.resolve("system-events.xml"));
                Files.writeString(target, eventsXml, StandardCharsets.UTF_8);
                files.add(target);
            }
        } catch (IOException e) {
            throw new LabException("cannot keep the guest's evidence in " + directory + ": " + e.getMessage(), e);
        }
        Optional<GuestEvents.Restart> restart = ending == EvidenceWait.Ending.PLANNED_RESTART
                ? Optional.of(events.restarts().get(0)) : Optional.empty();
        return new Found(files, kept, dumps, events.bugchecks(), notes, ending, restart);
    }

    /** Evidence is never overwritten: a name in use gets a number. */
    static Path unused(Path wanted) {
        if (!Files.exists(wanted)) {
            return wanted;
        }
        String name = wanted.getFileName().toString();
        int dot = name.lastIndexOf('.');
        String stem = dot < 0 ? name : name.substring(0, dot);
        String ext = dot < 0 ? "" : name.substring(dot);
        for (int i = 2; ; i++) {
            Path candidate = wanted.resolveSibling(stem + "-" + i + ext);
            if (!Files.exists(candidate)) {
                return candidate;
            }
        }
    }
}
