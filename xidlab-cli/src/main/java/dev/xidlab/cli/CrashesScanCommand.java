package dev.xidlab.cli;

import dev.xidlab.command.CommandError;
import dev.xidlab.command.CrashView;
import dev.xidlab.command.ExitCode;
import dev.xidlab.command.TextOrJsonCommand;
import dev.xidlab.crash.BugcheckEvent;
import dev.xidlab.crash.CrashScan;
import dev.xidlab.crash.ScanEntry;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code xidlab crashes scan DIR|FILE...}. */
@Command(name = "scan",
        description = {"Every dump (*.dmp) and event-log export (*.xml from wevtutil or Get-WinEvent) under the"
                + " paths, one line each, sorted by time, with a summary by bugcheck and by module.",
                "A file that cannot be read is reported on its line and the scan goes on; exit 2 when a FILE named"
                        + " on the command line could not be read, else 1 when a dump was truncated (its header's stop"
                        + " is listed)."})
public final class CrashesScanCommand extends TextOrJsonCommand {

    @Parameters(arity = "1..*", paramLabel = "DIR|FILE", description = "Directories and files to scan.")
    List<Path> paths;

    @CommandLine.Mixin
    AttributionOptions attribution;

    /** The scan as --json prints it. */
    record Line(String kind, String file, String time, String bugcheck, String name, String module,
                String faultingFrame, boolean reentry, int recursionDepth, boolean truncated, List<String> events,
                String error) {
    }

    record Summary(List<Line> entries, Map<String, Integer> byBugcheck, Map<String, Integer> byModule,
                   int reentryCrashes, int unreadable, int truncated) {
    }

    @Override
    public Integer call() {
        for (Path p : paths) {
            if (!Files.exists(p)) {
                throw new CommandError.Usage(p + ": no such file or directory");
            }
        }
        List<ScanEntry> entries;
        try {
            entries = CrashScan.scan(CrashScan.collect(paths), attribution.filterModule,
                    attribution.symbols.store(spec.commandLine().getErr()));
        } catch (IOException e) {
            throw new CommandError.Usage("cannot list " + paths + ": " + e.getMessage());
        }
        Summary summary = summarize(entries);
        answer(summary, out -> print(out, summary));
        boolean namedFileFailed = entries.stream().anyMatch(e -> e instanceof ScanEntry.Unreadable
                && paths.contains(e.file()));
        if (namedFileFailed) {
            return ExitCode.USAGE;
        }
        return summary.truncated() > 0 ? ExitCode.CHECK_FAILED : ExitCode.OK;
    }

    private static Summary summarize(List<ScanEntry> entries) {
        List<Line> lines = new ArrayList<>();
        Map<String, Integer> byBugcheck = new TreeMap<>();
        Map<String, Integer> byModule = new TreeMap<>();
        int reentry = 0;
        int unreadable = 0;
        int truncated = 0;
        for (ScanEntry entry : entries) {
            if (entry instanceof ScanEntry.Dump d) {
                    CrashView v = CrashView.of(d.analysis());
                    List<String> events = d.events().stream().map(CrashesScanCommand::eventName).toList();
                lines.add(new Line("dump", d.file().toString(), v.time(), v.bugcheck(), v.name(),
                        v.crashModule().orElse("unknown"), v.faultingFrame().orElse(null), v.reentry(),
                        v.recursionDepth(), v.truncated(), events, null));
                byBugcheck.merge(v.bugcheck() + " " + v.name(), 1, Integer::sum);
                byModule.merge(v.crashModule().orElse("unknown"), 1, Integer::sum);
                reentry += v.reentry() ? 1 : 0;
                truncated += v.truncated() ? 1 : 0;
            } else if (entry instanceof ScanEntry.Event e) {
                String code = CrashView.hex(e.event().bugcheck().code());
                lines.add(new Line("event", e.file().toString(), e.time().toString(), code,
                        e.event().bugcheck().name(), "no dump", null, false, 0, false, List.of(eventName(e.event())),
                        null));
                byBugcheck.merge(code + " " + e.event().bugcheck().name(), 1, Integer::sum);
            } else if (entry instanceof ScanEntry.Unreadable u) {
                lines.add(new Line("unreadable", u.file().toString(), null, null, null, null, null, false, 0,
                        false, List.of(), u.reason()));
                unreadable++;
            }
        }
        return new Summary(lines, byBugcheck, byModule, reentry, unreadable, truncated);
    }

    private static String eventName(BugcheckEvent event) {
        return (event instanceof BugcheckEvent.WerBugcheck ? "event 1001 at " : "Kernel-Power 41 at ")
                + event.time();
    }

    private static void print(PrintWriter out, Summary s) {
        TextTable table = new TextTable("time", "bugcheck", "name", "module", "faulting frame", "re-entry", "events",
                "file");
        for (Line l : s.entries()) {
            if (l.error() != null) {
                table.row("-", "-", "UNREADABLE", "-", "-", "-", "-", l.error());
            } else {
                table.row(l.time(), l.bugcheck(), l.name(), l.module(), l.faultingFrame() == null ? "-"
                        : l.faultingFrame(), l.truncated() ? "TRUNCATED" : l.reentry() ? "yes (depth "
                        + l.recursionDepth() + ")" : "no", l.events().size(), l.file());
            }
        }
        table.print(out);
        out.println();
        TextTable byBugcheck = new TextTable("bugcheck", "crashes");
        s.byBugcheck().forEach(byBugcheck::row);
        byBugcheck.print(out);
        out.println();
        TextTable byModule = new TextTable("module", "crashes");
        s.byModule().forEach(byModule::row);
        byModule.print(out);
        out.printf("%n%d re-entry crash(es), %d unreadable file(s), %d truncated dump(s)%n", s.reentryCrashes(),
                s.unreadable(), s.truncated());
        out.flush();
    }
}
