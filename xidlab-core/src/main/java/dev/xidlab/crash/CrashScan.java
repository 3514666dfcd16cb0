package dev.xidlab.crash;

import dev.xidlab.dump.DumpFormatException;
import dev.xidlab.dump.DumpReader;
import dev.xidlab.symbols.SymbolStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Collects every dump and event-log export under the given paths, reads each on its own (a bad file is one
 * unreadable entry, never the end of the scan), and relates event-log bugchecks to the dumps they describe.
 */
public final class CrashScan {

    private static final int MAX_DEPTH = 4;

    private CrashScan() {
    }

    /** The files a scan of these paths reads: *.dmp, *.xml, and anything starting with a dump signature. */
    public static List<Path> collect(List<Path> paths) throws IOException {
        return collect(paths, f -> dump(f) || EventLogReader.looksLikeExport(f));
    }

    /**
     * The crash dumps under these paths: *.dmp and anything starting with a dump signature. A file named on its
     * own is taken as given (reading it says whether it is one).
     */
    public static List<Path> collectDumps(List<Path> paths) throws IOException {
        return collect(paths, CrashScan::dump);
    }

    private static List<Path> collect(List<Path> paths, Predicate<Path> wanted) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> walk = Files.walk(path, MAX_DEPTH)) {
                    walk.filter(Files::isRegularFile).filter(wanted).sorted().forEach(files::add);
                }
            } else {
                files.add(path);
            }
        }
        return files;
    }

    private static boolean dump(Path file) {
        return file.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".dmp") || DumpReader.looksLikeDump(file);
    }

    public static List<ScanEntry> scan(List<Path> files, String filterModule) {
        return scan(files, filterModule, SymbolStore.none());
    }

    /** Reads each file; the symbol store (and its cache of parsed images and PDBs) serves every dump. */
    public static List<ScanEntry> scan(List<Path> files, String filterModule, SymbolStore symbols) {
        List<ScanEntry.Dump> dumps = new ArrayList<>();
        List<ScanEntry.Event> events = new ArrayList<>();
        List<ScanEntry> entries = new ArrayList<>();
        for (Path file : files) {
            try {
                if (EventLogReader.looksLikeExport(file)) {
                    for (BugcheckEvent e : EventLogReader.read(file)) {
                        events.add(new ScanEntry.Event(file, e.time(), e));
                    }
                } else {
                    CrashAnalysis a = CrashAnalyzer.analyze(file, filterModule, symbols);
                    dumps.add(new ScanEntry.Dump(file, a.header().systemTime(), a, List.of()));
                }
            } catch (DumpFormatException e) {
                entries.add(new ScanEntry.Unreadable(file, Instant.MAX, e.getMessage()));
            } catch (RuntimeException e) {
                entries.add(new ScanEntry.Unreadable(file, Instant.MAX, file + ": " + e));
            }
        }
        List<ScanEntry.Event> unmatched = new ArrayList<>(events);
        for (ScanEntry.Dump dump : dumps) {
            List<BugcheckEvent> related = new ArrayList<>();
            for (ScanEntry.Event event : events) {
                if (relates(event.event(), dump)) {
                    related.add(event.event());
                    unmatched.remove(event);
                }
            }
            entries.add(new ScanEntry.Dump(dump.file(), dump.time(), dump.analysis(), related));
        }
        entries.addAll(unmatched);
        entries.sort(Comparator.comparing(ScanEntry::time).thenComparing(e -> e.file().toString()));
        return entries;
    }

    /**
     * An event describes a dump when it names the dump's file (event 1001's param2), or when it records the same
     * stop code and parameters (Kernel-Power 41 names no file).
     */
    static boolean relates(BugcheckEvent event, ScanEntry.Dump dump) {
        String dumpName = dump.file().getFileName().toString();
        if (event instanceof BugcheckEvent.WerBugcheck wer && wer.dumpFileName().isPresent()) {
            return wer.dumpFileName().get().equalsIgnoreCase(dumpName);
        }
        return event.bugcheck().equals(dump.analysis().bugcheck());
    }
}
