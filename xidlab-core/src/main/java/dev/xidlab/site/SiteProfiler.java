package dev.xidlab.site;

import dev.xidlab.crash.CrashAnalysis;
import dev.xidlab.crash.CrashAnalyzer;
import dev.xidlab.dump.CrashDump;
import dev.xidlab.dump.DumpFormatException;
import dev.xidlab.dump.DumpReader;
import dev.xidlab.dump.DumpType;
import dev.xidlab.dump.LoadedModule;
import dev.xidlab.dump.Machine;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Reads a customer's crash dumps (minidumps and kernel memory dumps, files or directories) into the machine they
 * came from: its Windows build, architecture and processors from every dump's header, its physical memory from a
 * kernel memory dump's descriptor, the file-system filters in the module lists (named from {@link KnownModules};
 * every other driver no table knows is listed as unknown, maybe a filter), and each crash's signature: whether it is
 * the re-entry crash of {@code filterModule}, how deep, and the modules on the overflowed stack.
 *
 * <p>Dumps of different machines (another build, architecture, processor count or memory) are refused as one site,
 * unless {@code mixed} asks for one profile per machine. A minidump and the kernel memory dump of the same stop (same
 * time and stop code) are one crash.
 */
public final class SiteProfiler {

    /**
     * What to profile as.
     *
     * @param name           the site: the plan's name
     * @param filterModule   our filter (the field product's module, or xidfilter.sys): its recursion is the
     *                       re-entry crash, and it is not a co-resident filter
     * @param filterAltitude our filter's altitude at the site
     * @param mixed          one profile per machine instead of refusing several
     */
    public record Request(String name, String filterModule, BigDecimal filterAltitude, boolean mixed) {
    }

    /** One readable dump and what the analysis made of it. */
    private record Read(Path file, CrashDump dump, CrashAnalysis analysis) {

        Identity identity() {
            return new Identity(dump.header().machine(), dump.header().build(), dump.header().processors());
        }
    }

    /** What tells machines apart in a dump's header; memory, where known, is compared apart. */
    private record Identity(Machine architecture, int build, int processors) {

        String describe() {
            return "build " + build + " " + architecture.name().toLowerCase(Locale.ROOT) + ", " + processors
                    + " processors";
        }
    }

    private SiteProfiler() {
    }

    /**
     * @throws ProfileException when no file is a readable dump, or the dumps come from several machines and
     *                          {@code mixed} is not set (the message names which dumps are which)
     */
    public static SiteProfile profile(List<Path> files, Request request) throws ProfileException {
        List<Read> reads = new ArrayList<>();
        List<SiteProfile.Unreadable> unreadable = new ArrayList<>();
        for (Path file : files) {
            try {
                CrashDump dump = DumpReader.read(file);
                reads.add(new Read(file, dump, CrashAnalyzer.analyze(dump, request.filterModule())));
            } catch (DumpFormatException e) {
                unreadable.add(new SiteProfile.Unreadable(file, e.getMessage()));
            } catch (RuntimeException e) {
                unreadable.add(new SiteProfile.Unreadable(file, file + ": " + e));
            }
        }
        if (reads.isEmpty()) {
            throw new ProfileException(files.isEmpty() ? "no crash dump found (*.dmp, or a file starting with a dump"
                    + " signature)" : "no readable crash dump among " + files.size() + " file"
                    + (files.size() == 1 ? "" : "s") + ": " + unreadable.get(0).reason());
        }
        List<List<Read>> machines = machines(reads);
        if (machines.size() > 1 && !request.mixed()) {
            throw new ProfileException("the dumps come from " + machines.size() + " different machines, not one"
                    + " site's: " + machines.stream().map(SiteProfiler::describeGroup).collect(Collectors.joining("; "))
                    + ". Profile one machine's dumps at a time, or pass --mixed for a plan per machine");
        }
        List<MachineProfile> profiles = new ArrayList<>();
        for (int i = 0; i < machines.size(); i++) {
            profiles.add(machine(machines.size() == 1 ? request.name() : request.name() + "-" + (i + 1),
                    machines.get(i), request));
        }
        return new SiteProfile(profiles, unreadable);
    }

    /**
     * Groups dumps by machine: the header's identity, and the physical memory where a kernel dump records it. A dump
     * without memory joins the one group of its identity with memory, or a group of its own when there are several.
     */
    private static List<List<Read>> machines(List<Read> reads) {
        Map<Identity, Map<Optional<Long>, List<Read>>> byIdentity = new LinkedHashMap<>();
        for (Read r : sortedByTime(reads)) {
            byIdentity.computeIfAbsent(r.identity(), k -> new LinkedHashMap<>())
                    .computeIfAbsent(r.dump().header().physicalPages(), k -> new ArrayList<>()).add(r);
        }
        List<List<Read>> groups = new ArrayList<>();
        for (Map<Optional<Long>, List<Read>> byMemory : byIdentity.values()) {
            List<Read> unknown = byMemory.remove(Optional.<Long>empty());
            if (byMemory.size() == 1 && unknown != null) {
                byMemory.values().iterator().next().addAll(unknown);
            } else if (unknown != null) {
                groups.add(unknown);
            }
            byMemory.values().forEach(groups::add);
        }
        groups.forEach(g -> g.sort(Comparator.comparing((Read r) -> r.dump().header().systemTime())
                .thenComparing(r -> r.file().toString())));
        groups.sort(Comparator.comparing(g -> g.get(0).dump().header().systemTime()));
        return groups;
    }

    private static List<Read> sortedByTime(List<Read> reads) {
        return reads.stream().sorted(Comparator.comparing((Read r) -> r.dump().header().systemTime())
                .thenComparing(r -> r.file().toString())).toList();
    }

    private static String describeGroup(List<Read> group) {
        Read first = group.get(0);
        String memory = group.stream().map(r -> r.dump().header().physicalPages()).flatMap(Optional::stream)
                .findFirst().map(p -> ", " + p / 256 + " MiB").orElse("");
        return group.stream().map(r -> r.file().getFileName().toString()).collect(Collectors.joining(", "))
                + " (" + first.identity().describe() + memory + ")";
    }

    private static MachineProfile machine(String name, List<Read> reads, Request request) {
        List<String> notes = new ArrayList<>();
        Read first = reads.get(0);
        Optional<Long> pages = reads.stream().map(r -> r.dump().header().physicalPages()).flatMap(Optional::stream)
                .findFirst();

        // One crash per stop: a minidump and the kernel dump written with it share the time and the stop.
        Map<String, List<Read>> byStop = new LinkedHashMap<>();
        for (Read r : reads) {
            byStop.computeIfAbsent(r.dump().header().systemTime() + " " + r.dump().header().bugcheck(),
                    k -> new ArrayList<>()).add(r);
        }
        List<ProfiledCrash> crashes = new ArrayList<>();
        Map<String, Integer> filterSeen = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        Map<String, String> spelling = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (List<Read> stop : byStop.values()) {
            stop.sort(Comparator.comparing((Read r) -> !isKernelDump(r)).thenComparing(r -> r.file().toString()));
            Read judged = stop.get(0);
            crashes.add(crash(judged, stop));
            Set<String> modules = new LinkedHashSet<>();
            for (Read r : stop) {
                r.analysis().modules().stream().map(LoadedModule::name).forEach(modules::add);
                if (r.analysis().modules().isEmpty()) {
                    notes.add(r.file().getFileName() + ": no module list could be read ("
                            + (r.dump().truncated() ? "truncated" : "it holds none") + ")");
                }
            }
            modules.stream().map(String::toLowerCase).distinct().forEach(m -> filterSeen.merge(m, 1, Integer::sum));
            modules.forEach(m -> spelling.putIfAbsent(m, m));
        }

        List<MachineProfile.FilterFinding> filters = new ArrayList<>();
        List<ResidentFilter> resident = new ArrayList<>();
        List<String> unknown = new ArrayList<>();
        Optional<String> ours = Optional.empty();
        int known = 0;
        for (Map.Entry<String, Integer> e : filterSeen.entrySet()) {
            String module = spelling.get(e.getKey());
            if (module.equalsIgnoreCase(request.filterModule())) {
                ours = Optional.of(module);
                continue;
            }
            Optional<KnownFilter> filter = KnownModules.filter(module);
            if (filter.isPresent()) {
                if (filter.get().altitude().compareTo(request.filterAltitude()) == 0) {
                    notes.add(module + " is allocated our filter's altitude " + request.filterAltitude()
                            .toPlainString() + ": it cannot be modelled beside ours there (pass another"
                            + " --filter-altitude)");
                    continue;
                }
                ResidentFilter f = ResidentFilter.of(filter.get());
                resident.add(f);
                filters.add(new MachineProfile.FilterFinding(filter.get(), e.getValue(),
                        f.above(request.filterAltitude())));
                if (e.getValue() < crashes.size()) {
                    notes.add(module + " was loaded in " + e.getValue() + " of " + crashes.size() + " crashes");
                }
            } else if (module.toLowerCase(Locale.ROOT).endsWith(".sys") && KnownModules.notAFilter(module).isEmpty()) {
                unknown.add(module);
            } else {
                known++;        // a driver Windows ships that is no filter, or the kernel's own images and DLLs
            }
        }
        filters.sort(Comparator.comparing((MachineProfile.FilterFinding f) -> f.filter().altitude()).reversed());
        unknown.sort(String.CASE_INSENSITIVE_ORDER);

        Environment environment = new Environment(Optional.of(first.dump().header().build()),
                Optional.of(first.dump().header().machine()), Optional.of(first.dump().header().processors()),
                pages.map(SiteProfiler::memoryMiB), request.filterAltitude(), resident, unknown, Map.of());
        return new MachineProfile(name, environment, pages, crashes, filters, known, ours,
                reads.stream().map(Read::file).toList(), notes.stream().distinct().toList());
    }

    private static boolean isKernelDump(Read r) {
        return r.dump().header().type() != DumpType.TRIAGE && r.dump().kernel().isPresent();
    }

    private static ProfiledCrash crash(Read judged, List<Read> stop) {
        CrashAnalysis a = judged.analysis();
        List<String> onStack = a.overflow().isPresent()
                ? a.stackSignature().stream().map(s -> s.substring(0, s.indexOf('+'))).distinct().toList()
                : List.of();
        return new ProfiledCrash(a.header().systemTime(), a.header().upTime(),
                String.format("0x%08X", a.bugcheck().code()), a.bugcheck().name(), a.reentry(), a.recursionDepth(),
                a.recursionFrame(), onStack, stop.stream().map(Read::file).filter(Objects::nonNull).toList());
    }

    /**
     * The memory a plan asks for: the descriptor's pages rounded up to 512 MiB, about what was installed (firmware
     * keeps some back from Windows).
     */
    static int memoryMiB(long pages) {
        long mib = (pages + 255) / 256;
        return (int) Math.min(Integer.MAX_VALUE, (mib + 511) / 512 * 512);
    }
}
