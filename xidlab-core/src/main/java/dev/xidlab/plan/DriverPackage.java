package dev.xidlab.plan;

import dev.xidlab.lab.ForeignDriver;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A configuration's {@code driver: {package: DIR-or-.sys, service: NAME, altitude: N}}: the user's driver package,
 * looked at on this machine when the plan is read, so a package that is not there is refused before any run, on its
 * line. Paths are relative to the plan file.
 */
final class DriverPackage {

    private static final Set<String> KEYS = Set.of("package", "service", "altitude");

    private DriverPackage() {
    }

    static ForeignDriver read(NodeValues v, LocatedNode node) throws PlanException {
        v.object(node, "driver", KEYS);
        LocatedNode packageNode = node.fields.get("package");
        if (packageNode == null) {
            throw v.error(node, "driver needs its package: a directory with the .inf and .sys, or a .sys");
        }
        String given = v.string(packageNode, null);
        Optional<String> service = Optional.ofNullable(v.string(node.fields.get("service"), null));
        if (service.isPresent() && !service.get().matches("[A-Za-z0-9_.-]{1,64}")) {
            throw v.error(node.fields.get("service"), "service '" + service.get() + "' must be a service name"
                    + " (letters, digits, '_', '.', '-')");
        }
        Optional<BigDecimal> altitude = node.fields.containsKey("altitude")
                ? Optional.of(EnvironmentBlock.altitude(v, node.fields.get("altitude"), "altitude")) : Optional.empty();
        Path path = v.base().resolve(given).normalize();
        if (Files.isDirectory(path)) {
            Path sys = only(v, packageNode, path, ".sys", given, true).orElseThrow();
            Path inf = only(v, packageNode, path, ".inf", given, true).orElseThrow();
            return new ForeignDriver(given, path, sys.getFileName().toString(), Optional.of(inf),
                    only(v, packageNode, path, ".pdb", given, false), service, altitude);
        }
        if (!Files.isRegularFile(path)) {
            throw v.error(packageNode, "driver package " + given + " is not there (" + path + "): give a directory"
                    + " with the .inf and .sys, or a .sys, relative to the plan file");
        }
        String module = path.getFileName().toString();
        if (!module.toLowerCase(Locale.ROOT).endsWith(".sys")) {
            throw v.error(packageNode, "driver package " + given + " is neither a directory nor a .sys");
        }
        if (service.isEmpty() || altitude.isEmpty()) {
            throw v.error(node, "a bare .sys (" + module + ") is installed as a minifilter service: give its service"
                    + " and altitude (or a directory with its .inf)");
        }
        Path pdb = path.resolveSibling(ForeignDriver.stem(module) + ".pdb");
        return new ForeignDriver(given, path, module, Optional.empty(),
                Files.isRegularFile(pdb) ? Optional.of(pdb) : Optional.empty(), service, altitude);
    }

    /** The one file of the directory with this extension; refused when there are several, or none and it is needed. */
    private static Optional<Path> only(NodeValues v, LocatedNode at, Path dir, String extension, String given,
                                       boolean needed) throws PlanException {
        List<Path> found = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(extension))
                    .filter(Files::isRegularFile).sorted().forEach(found::add);
        } catch (IOException e) {
            throw v.error(at, "driver package " + given + " cannot be read: " + e.getMessage());
        }
        if (found.size() > 1) {
            throw v.error(at, "driver package " + given + " holds " + found.size() + " " + extension + " files: a"
                    + " package is one driver");
        }
        if (found.isEmpty() && needed) {
            throw v.error(at, "driver package " + given + " has no " + extension + " file: a package directory holds"
                    + " the driver's .inf and .sys");
        }
        return found.stream().findFirst();
    }

    /** The flow mapping, as the plan gave it. */
    static String write(ForeignDriver f) {
        List<String> parts = new ArrayList<>(List.of("package: " + PlanWriter.quote(f.given())));
        f.service().ifPresent(s -> parts.add("service: " + PlanWriter.quote(s)));
        f.altitude().ifPresent(a -> parts.add("altitude: " + a.toPlainString()));
        return "{" + String.join(", ", parts) + "}";
    }
}
