package dev.xidlab.cli;

import dev.xidlab.command.CommandError;
import dev.xidlab.command.ExitCode;
import dev.xidlab.command.TextOrJsonCommand;
import dev.xidlab.crash.CrashScan;
import dev.xidlab.plan.Plan;
import dev.xidlab.plan.PlanWriter;
import dev.xidlab.plan.SitePlan;
import dev.xidlab.site.Environment;
import dev.xidlab.site.MachineProfile;
import dev.xidlab.site.ProfileException;
import dev.xidlab.site.ProfiledCrash;
import dev.xidlab.site.SiteProfile;
import dev.xidlab.site.SiteProfiler;
import java.io.IOException;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code xidlab crashes profile DUMP|DIR...}. */
@Command(name = "profile",
        description = {"The machine a customer's crash dumps come from, as a lab plan: Windows build, architecture,"
                + " processors, physical memory (kernel memory dumps record it; \"unknown\" from minidumps), up-time,"
                + " the file-system filters loaded beside ours (named from a table of Microsoft's allocated"
                + " altitudes; every other driver no table knows is listed as \"unknown, maybe a filter\"), and the"
                + " bugcheck signature across the dumps.",
                "Dumps of different machines (build, architecture, processors, memory) are refused as one site"
                        + " (exit 2) unless --mixed asks for one profile and plan per machine. A file that is no"
                        + " readable dump is listed and the rest are profiled; exit 2 when none is readable."})
public final class CrashesProfileCommand extends TextOrJsonCommand {

    @Parameters(arity = "1..*", paramLabel = "DUMP|DIR", description = "Crash dumps and directories of them (*.dmp,"
            + " or files starting with a dump signature).")
    List<Path> paths;

    @Option(names = "--out", paramLabel = "PLAN", description = "Write the plan (YAML) here; with --mixed one per"
            + " machine, PLAN's name with -1, -2, ... before its extension.")
    Path out;

    @Option(names = "--mixed", description = "Dumps of several machines: one profile and plan per machine instead"
            + " of refusing them.")
    boolean mixed;

    @Option(names = "--name", paramLabel = "SITE", description = "The site's name in the plan (default: the first"
            + " directory's name, else \"site\").")
    String name;

    @Option(names = "--filter-module", paramLabel = "NAME", defaultValue = "xidfilter.sys",
            description = "Our minifilter: its recursion makes the re-entry crash, and it is not counted as a"
                    + " co-resident filter (default: ${DEFAULT-VALUE}).")
    String filterModule;

    @Option(names = "--filter-altitude", paramLabel = "ALTITUDE", defaultValue = "385100",
            description = "Our minifilter's altitude at the site: filters above it run before it at every level of"
                    + " a re-entry (default: ${DEFAULT-VALUE}).")
    BigDecimal filterAltitude;

    /** What --json prints: the profile of each machine, the plan file written for it, and the unreadable files. */
    record ProfileView(List<MachineView> machines, List<SiteProfile.Unreadable> unreadable) {
    }

    record MachineView(MachineProfile profile, String summary, long reentryCrashes, boolean matchesFieldPattern,
                       List<String> modulesOnOverflowedStacks, Optional<Path> plan) {
    }

    @Override
    public Integer call() {
        for (Path p : paths) {
            if (!Files.exists(p)) {
                throw new CommandError.Usage(p + ": no such file or directory");
            }
        }
        if (filterAltitude.signum() <= 0 || filterAltitude.compareTo(new BigDecimal("1000000")) >= 0) {
            throw new CommandError.Usage("--filter-altitude must be a positive altitude below 1000000, not "
                    + filterAltitude.toPlainString());
        }
        SiteProfile site;
        try {
            site = SiteProfiler.profile(CrashScan.collectDumps(paths),
                    new SiteProfiler.Request(siteName(), filterModule, filterAltitude, mixed));
        } catch (IOException e) {
            throw new CommandError.Usage("cannot list " + paths + ": " + e.getMessage());
        } catch (ProfileException e) {
            throw new CommandError.Usage(e.getMessage());
        }
        List<MachineView> views = new ArrayList<>();
        for (int i = 0; i < site.machines().size(); i++) {
            MachineProfile m = site.machines().get(i);
            Optional<Path> planFile = out == null ? Optional.empty()
                    : Optional.of(site.machines().size() == 1 ? out : numbered(out, i + 1));
            planFile.ifPresent(file -> writePlan(file, m));
            views.add(new MachineView(m, m.environment().describe(), m.reentryCrashes(), m.matchesFieldPattern(),
                    m.modulesOnOverflowedStacks(), planFile));
        }
        answer(new ProfileView(views, site.unreadable()), w -> print(w, views, site.unreadable()));
        return ExitCode.OK;
    }

    private String siteName() {
        if (name != null) {
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
                throw new CommandError.Usage("--name must be 1..64 letters, digits, '.', '_' or '-', not '"
                        + name + "'");
            }
            return name;
        }
        return paths.stream().filter(Files::isDirectory).findFirst()
                .map(p -> p.toAbsolutePath().normalize().getFileName())
                .map(Path::toString).filter(n -> n.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")).orElse("site");
    }

    /** plan.yaml, 2 -> plan-2.yaml. */
    static Path numbered(Path file, int n) {
        String fileName = file.getFileName().toString();
        int dot = fileName.lastIndexOf('.');
        String numbered = dot > 0 ? fileName.substring(0, dot) + "-" + n + fileName.substring(dot)
                : fileName + "-" + n;
        return file.resolveSibling(numbered);
    }

    private void writePlan(Path file, MachineProfile m) {
        Plan plan;
        try {
            plan = SitePlan.of(m);
        } catch (IllegalArgumentException e) {
            throw new CommandError.Usage(m.name() + ": the kernel model cannot stand for this machine: "
                    + e.getMessage());
        }
        List<String> header = new ArrayList<>();
        header.add("xidlab crashes profile: " + m.name() + ", from " + m.dumps().size() + " dump"
                + (m.dumps().size() == 1 ? "" : "s") + " (" + String.join(", ", m.dumps().stream()
                .map(p -> p.getFileName().toString()).toList()) + ")");
        header.add(m.environment().describe());
        header.add("filter frames: xidlab's stated assumption per load order group (docs/sites.md); override per"
                + " group in model: {filterFrames: {...}} or per filter with frameBytes");
        header.add("run it: xidlab matrix --plan " + file.getFileName());
        try {
            Files.writeString(file, PlanWriter.write(plan, header));
        } catch (IOException e) {
            throw new CommandError.Usage("cannot write " + file + ": " + e.getMessage());
        }
    }

    private void print(PrintWriter w, List<MachineView> views, List<SiteProfile.Unreadable> unreadable) {
        for (MachineView v : views) {
            MachineProfile m = v.profile();
            Environment e = m.environment();
            w.printf("machine %s: %d dump%s, %d crash%s%n", m.name(), m.dumps().size(), m.dumps().size() == 1 ? ""
                    : "s", m.crashes().size(), m.crashes().size() == 1 ? "" : "es");
            w.printf("  windows          build %s %s, %s processors%n", e.build().map(String::valueOf)
                    .orElse("unknown"), e.architecture().map(a -> a.name().toLowerCase(Locale.ROOT)).orElse("?"),
                    e.processors().map(String::valueOf).orElse("unknown"));
            w.printf("  memory           %s%n", m.physicalPages().map(p -> p + " pages (" + p / 256 + " MiB; the plan"
                    + " asks for " + e.memoryMiB().orElseThrow() + " MiB)").orElse("unknown (minidumps do not record"
                    + " it; a kernel memory dump does)"));
            for (ProfiledCrash c : m.crashes()) {
                w.printf("  up-time          %s at the crash of %s%n", upTime(c.upTime()), c.time());
            }
            w.printf("  our filter       %s at %s%s%n", filterModule, e.filterAltitude().toPlainString(),
                    m.ours().isPresent() ? "" : " (not loaded in these dumps)");
            w.printf("  modules          %d: %d file-system filter%s, %d unknown, %d known not to be filters%s%n",
                    m.modules(), m.filters().size(), m.filters().size() == 1 ? "" : "s",
                    e.unknownModules().size(), m.knownDrivers(), m.ours().isPresent() ? ", ours" : "");
            w.printf("%n  file-system filters beside ours: %d (altitudes: Microsoft's allocation; frames: xidlab's"
                    + " assumption per group)%n", m.filters().size());
            if (!m.filters().isEmpty()) {
                TextTable t = new TextTable("module", "altitude", "load order group", "whose", "place", "frame",
                        "seen in");
                for (MachineProfile.FilterFinding f : m.filters()) {
                    int frame = e.filters().stream().filter(r -> r.module().equalsIgnoreCase(f.filter().module()))
                            .findFirst().map(r -> r.frameBytes(e.groupFrames())).orElse(f.filter().group()
                                    .frameBytes());
                    t.row(f.filter().module(), f.filter().altitude().toPlainString(), f.filter().group().name(),
                            f.filter().owner(), f.above() ? "above ours" : "below ours", frame + " B",
                            f.seenIn() + "/" + m.crashes().size());
                }
                indent(w, t);
            }
            w.printf("  unknown, maybe a filter: %d%s%n", e.unknownModules().size(), e.unknownModules().isEmpty() ? ""
                    : ": " + String.join(", ", e.unknownModules()));
            w.printf("%n  crashes%n");
            TextTable t = new TextTable("time", "bugcheck", "name", "re-entry", "depth", "modules on overflowed stack",
                    "dump");
            for (ProfiledCrash c : m.crashes()) {
                t.row(c.time(), c.bugcheck(), c.name(), c.reentry() ? "yes" : "no", c.depth(),
                        c.modulesOnStack().isEmpty() ? "-" : String.join(" ", c.modulesOnStack()),
                        String.join(", ", c.dumps().stream().map(p -> p.getFileName().toString()).toList()));
            }
            indent(w, t);
            w.printf("  signature        %d of %d crash%s the re-entry crash of %s%s%n", v.reentryCrashes(),
                    m.crashes().size(), m.crashes().size() == 1 ? " is" : "es are", filterModule,
                    v.matchesFieldPattern() ? ": the site matches the field pattern" : "");
            m.notes().forEach(n -> w.println("  note: " + n));
            v.plan().ifPresent(p -> w.printf("  plan             %s (xidlab matrix --plan %s)%n", p, p));
            w.println();
        }
        unreadable.forEach(u -> w.println("unreadable: " + u.reason()));
        w.flush();
    }

    private static void indent(PrintWriter w, TextTable table) {
        java.io.StringWriter s = new java.io.StringWriter();
        try (PrintWriter p = new PrintWriter(s)) {
            table.print(p);
        }
        s.toString().lines().forEach(l -> w.println("    " + l));
    }

    /** "3.747 s" within its first minute (the fixture's machine crashed at boot), else "3 d 04:05:06". */
    static String upTime(Duration d) {
        if (d.toMinutes() == 0) {
            return String.format(Locale.ROOT, "%.3f s", d.toNanos() / 1e9);
        }
        return String.format(Locale.ROOT, "%d d %02d:%02d:%02d", d.toDays(), d.toHoursPart(), d.toMinutesPart(),
                d.toSecondsPart());
    }
}
