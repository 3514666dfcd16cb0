package dev.xidlab.lab.vm;

import dev.xidlab.crash.BugcheckEvent;
import dev.xidlab.crash.CrashDump;
import dev.xidlab.crash.DumpFormatException;
import dev.xidlab.crash.DumpReader;
import dev.xidlab.crash.EventLogReader;
import dev.xidlab.lab.CommandResult;
import dev.xidlab.lab.LabException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a crashed guest left, fetched once it is back. A guest answers SSH before Windows has logged event 1001
 * and before it has copied the dump out of the pagefile, so collecting at the first answer finds nothing: the
 * rule is to wait, bounded, until every new dump's size is the same on two looks in a row, or until a bugcheck
 * event with a non-zero code is there. New means not in the listing taken before the run (by name, or the same
 * name rewritten), never "newer than a time", so no clock is compared.
 */
final class Evidence {

    /**
     * What was found: every file fetched, the dumps that read (each with what the guest's listing said it was)
     * and the bugcheck events.
     */
    record Found(List<Path> files, List<Fetched> dumps, List<BugcheckEvent> events, List<String> notes) {
    }

    /** A dump fetched and read. */
    record Fetched(GuestDump listed, CrashDump dump) {
    }

    interface Pause {
        void sleep(Duration d) throws InterruptedException;
    }

    private final GuestShell shell;
    private final GuestOs guest;
    private final Duration bound;
    private final Duration interval;
    private final Pause pause;
    private final Clock clock;

    Evidence(GuestShell shell, GuestOs guest, Duration bound, Duration interval, Pause pause, Clock clock) {
        this.shell = shell;
        this.guest = guest;
        this.bound = bound;
        this.interval = interval;
        this.pause = pause;
        this.clock = clock;
    }

    /** Dumps in the guest now. */
    List<GuestDump> listing() {
        CommandResult r = shell.exec(guest.commandLine(guest.listDumpsScript()), Duration.ofMinutes(1));
        if (!r.succeeded()) {
            throw new LabException("listing the guest's crash dumps failed: " + r.lastErrorLine());
        }
        return guest.parseDumps(r.stdout());
    }

    /**
     * Waits for the crash's evidence (bounded), then fetches it into {@code directory}.
     *
     * @param before the listing taken before the run
     */
    Found collect(List<GuestDump> before, RunMark mark, Path directory) {
        Instant deadline = clock.instant().plus(bound);
        Map<String, Long> lastSizes = new HashMap<>();
        List<GuestDump> fresh = List.of();
        List<BugcheckEvent> events = List.of();
        String eventsXml = "";
        List<String> notes = new ArrayList<>();
        while (true) {
            fresh = fresh(before, listing());
            boolean stable = !fresh.isEmpty() && fresh.stream().allMatch(d -> d.size() > 0
                    && Long.valueOf(d.size()).equals(lastSizes.get(d.guestPath())));
            fresh.forEach(d -> lastSizes.put(d.guestPath(), d.size()));
            eventsXml = events(mark);
            events = parseEvents(eventsXml, notes);
            boolean eventSeen = events.stream().anyMatch(e -> e.bugcheck().code() != 0);
            if (stable || (fresh.isEmpty() && eventSeen && !eventNamesMissingDump(events, fresh))) {
                break;
            }
            if (!clock.instant().isBefore(deadline)) {
                notes.add(fresh.isEmpty()
                        ? "no new dump appeared within " + bound.toSeconds() + " s of the guest answering"
                        : "a new dump was still growing after " + bound.toSeconds() + " s: fetched as it was");
                break;
            }
            try {
                pause.sleep(interval);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new LabException("interrupted while waiting for the guest's dump");
            }
        }
        return fetch(fresh, events, eventsXml, directory, notes);
    }

    /** An event 1001 names the dump it wrote (its param2): worth waiting for when it is not listed yet. */
    private static boolean eventNamesMissingDump(List<BugcheckEvent> events, List<GuestDump> fresh) {
        return events.stream().anyMatch(e -> e instanceof BugcheckEvent.WerBugcheck w && w.dumpFileName().isPresent()
                && !w.dumpFileName().get().isBlank()
                && fresh.stream().noneMatch(d -> d.name().equalsIgnoreCase(w.dumpFileName().get())));
    }

    private static List<BugcheckEvent> parseEvents(String xml, List<String> notes) {
        if (xml.isBlank()) {
            return List.of();
        }
        try {
            return EventLogReader.parse(xml, "guest System log");
        } catch (DumpFormatException e) {
            String note = "the guest's bugcheck events did not read: " + e.getMessage();
            if (!notes.contains(note)) {
                notes.add(note);
            }
            return List.of();
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
        CommandResult r = shell.exec(guest.commandLine(script.get()), Duration.ofMinutes(1));
        return r.succeeded() ? r.stdout() : "";
    }

    private Found fetch(List<GuestDump> fresh, List<BugcheckEvent> events, String eventsXml, Path directory,
                        List<String> notes) {
        List<Path> files = new ArrayList<>();
        List<Fetched> dumps = new ArrayList<>();
        try {
            Files.createDirectories(directory);
            for (GuestDump d : fresh.stream().sorted((a, b) -> Boolean.compare(a.kernelDump(), b.kernelDump())).toList()) {
                Path target = unused(directory.resolve(d.name()));
                shell.download(d.guestPath(), target);
                files.add(target);
                try {
                    dumps.add(new Fetched(d, DumpReader.read(target)));
                } catch (DumpFormatException e) {
                    notes.add(d.name() + " is not a readable dump (" + e.getMessage() + "): kept as evidence");
                }
            }
            if (!eventsXml.isBlank()) {
                Path target = unused(directory.resolve("system-events.xml"));
                Files.writeString(target, eventsXml, StandardCharsets.UTF_8);
                files.add(target);
            }
        } catch (IOException e) {
            throw new LabException("cannot keep the guest's evidence in " + directory + ": " + e.getMessage(), e);
        }
        return new Found(files, dumps, events, notes);
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
