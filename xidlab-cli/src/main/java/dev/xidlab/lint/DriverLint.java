package dev.xidlab.lint;

import dev.xidlab.symbols.PeImage;
import dev.xidlab.unwind.X64FunctionTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Lints minifilter images: finds each one's registration, follows every callback on the paging path (a read or
 * write registered without SKIP_PAGING_IO) and applies the rules to what it reaches.
 */
public final class DriverLint {

    private static final RiskyImports RISKY = RiskyImports.load();

    private final DriverImage image;
    private final CallGraph calls;

    private DriverLint(DriverImage image) {
        this.image = image;
        this.calls = new CallGraph(image);
    }

    /**
     * Lints every file, or refuses them all: each is opened first, and the first that is not an x64 PE image
     * (or not there) ends the run with its one-line reason before any is read further.
     */
    public static List<DriverReport> lint(List<Path> files) throws LintInputException {
        List<DriverImage> images = new ArrayList<>();
        for (Path f : files) {
            images.add(DriverImage.open(f));
        }
        return images.stream().map(i -> new DriverLint(i).report()).toList();
    }

    /** The risky imports and why each is on the list (the documented resource). */
    public static Map<String, String> riskyImports() {
        return RISKY.all();
    }

    private DriverReport report() {
        Registrations registrations = RegistrationFinder.find(image);
        List<Finding> findings = new ArrayList<>();
        int onPagingPath = 0;
        if (registrations instanceof Registrations.NotFoundStatically) {
            findings.add(new Finding(Rule.XL004, "FltRegisterFilter is imported but no constant FLT_REGISTRATION"
                    + " was found: registration not found statically, so nothing is known about its callbacks",
                    Optional.empty(), List.of(), ""));
        } else if (registrations instanceof Registrations.Found found) {
            Map<Long, List<Role>> callbacks = pagingCallbacks(found);
            callbacks.forEach((callback, roles) -> check(callback, roles, findings));
            onPagingPath = callbacks.size();
        }
        findings.sort(Comparator.comparing(Finding::rule)
                .thenComparingLong(f -> f.at().map(Finding.Location::address).orElse(0L)));
        return new DriverReport(image.name(), image.imageBase(), registrations, onPagingPath, findings);
    }

    /** Each callback on the paging path, with the roles it is registered in ("IRP_MJ_READ pre-operation"). */
    private static Map<Long, List<Role>> pagingCallbacks(Registrations.Found found) {
        Map<Long, List<Role>> callbacks = new LinkedHashMap<>();
        for (FilterRegistration r : found.registrations()) {
            for (FilterRegistration.Operation op : r.operations()) {
                if (!op.onPagingPath()) {
                    continue;
                }
                addRole(callbacks, op.pre(), op.majorName(), "pre-operation");
                addRole(callbacks, op.post(), op.majorName(), "post-operation");
            }
        }
        return callbacks;
    }

    /** What a callback is registered as: a major function and pre- or post-operation. */
    private record Role(String major, String kind) {
    }

    private static void addRole(Map<Long, List<Role>> callbacks, Optional<FilterRegistration.Callback> callback,
                                String major, String kind) {
        callback.ifPresent(c -> callbacks.computeIfAbsent(c.rva(), k -> new ArrayList<>())
                .add(new Role(major, kind)));
    }

    /** "the IRP_MJ_READ and IRP_MJ_WRITE pre-operation callback". */
    private static String describe(List<Role> roles) {
        Map<String, List<String>> byKind = new LinkedHashMap<>();
        for (Role role : roles) {
            List<String> majors = byKind.computeIfAbsent(role.kind(), k -> new ArrayList<>());
            if (!majors.contains(role.major())) {
                majors.add(role.major());
            }
        }
        List<String> parts = new ArrayList<>();
        byKind.forEach((kind, majors) -> parts.add(String.join(" and ", majors) + " " + kind));
        return "the " + String.join(" and ", parts) + " callback";
    }

    private void check(long callback, List<Role> roles, List<Finding> findings) {
        String who = describe(roles) + " at " + hex(callback);
        CallGraph.Reach reach = calls.reach(callback);
        for (Map.Entry<Long, List<Long>> f : reach.functions().entrySet()) {
            Optional<PeImage.Section> section = image.sectionAt(f.getKey());
            if (section.isPresent() && section.get().name().startsWith("PAGE")) {
                boolean itself = f.getKey() == callback;
                List<String> path = names(f.getValue());
                path.set(path.size() - 1, path.get(path.size() - 1) + " in " + section.get().name());
                findings.add(new Finding(Rule.XL002, who + (itself ? " lies" : " calls code that lies") + " in the "
                        + section.get().name() + " section" + (itself ? "" : " (at " + hex(f.getKey()) + ")"),
                        location(callback), path, ""));
            }
        }
        Set<String> imports = new HashSet<>();
        Set<Long> sites = new HashSet<>();
        for (CallGraph.Reached r : reach.edges()) {
            if (r.edge() instanceof CallGraph.Edge.ToImport i) {
                Optional<String> why = RISKY.reason(i.routine().name());
                if (why.isPresent() && imports.add(i.routine().name())) {
                    List<String> path = names(r.functions());
                    path.add(i.routine().toString());
                    findings.add(new Finding(Rule.XL001, who + " reaches " + i.routine().name()
                            + " and is registered without SKIP_PAGING_IO", location(callback), path, why.get()));
                }
            } else if (r.edge() instanceof CallGraph.Edge.NotFollowed n && sites.add(n.site())) {
                List<String> path = names(r.functions());
                path.add(hex(n.site()) + ": " + n.what());
                findings.add(new Finding(Rule.XL003, who + " makes " + n.what() + " at " + hex(n.site())
                        + ": what it reaches is unknown", location(callback), path, ""));
            }
        }
    }

    private List<String> names(List<Long> functions) {
        List<String> names = new ArrayList<>();
        functions.forEach(f -> names.add(hex(f)));
        return names;
    }

    private long va(long rva) {
        return image.imageBase() + rva;
    }

    private Optional<Finding.Location> location(long rva) {
        long length = image.functions().lookup(rva) instanceof X64FunctionTable.Lookup.Found f
                ? f.function().end() - rva : 0;
        return Optional.of(new Finding.Location(va(rva), image.file().fileOffset(rva).orElse(-1), length));
    }

    private String hex(long rva) {
        return "0x" + Long.toHexString(va(rva));
    }
}
