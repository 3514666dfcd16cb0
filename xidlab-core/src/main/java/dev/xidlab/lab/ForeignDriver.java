package dev.xidlab.lab;

import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A driver package of the user's own (issue 24): a directory with the driver's .inf and .sys (and .cat, .pdb), or a
 * bare .sys installed as a minifilter service with the service name and altitude the plan gives. xidlab has no
 * telemetry from it: its coverage is the configuration's probe, or none.
 *
 * @param given   the package as the plan spells it (relative to the plan file), written back as it was
 * @param path    where it is on this machine
 * @param module  the .sys file name: the module a crash's recursion is attributed to
 * @param inf     the package's .inf, empty for a bare .sys
 * @param pdb     the module's PDB when the package has one (its names help attribution)
 */
public record ForeignDriver(String given, Path path, String module, Optional<Path> inf, Optional<Path> pdb,
                            Optional<String> service, Optional<BigDecimal> altitude) {

    public ForeignDriver {
        if (inf.isEmpty() && (service.isEmpty() || altitude.isEmpty())) {
            throw new IllegalArgumentException("a bare .sys (" + module + ") needs its service name and altitude");
        }
    }

    /**
     * A module's name without its .sys: the service it is installed as when nothing else names one, and the name
     * of its directory and PDB beside it.
     */
    public static String stem(String module) {
        return module.replaceFirst("(?i)\\.sys$", "");
    }

    /** What the fingerprint holds of it: the module and how it is installed (not where it sits on this machine). */
    public String describe() {
        return module + "/" + service.orElse("") + "/" + altitude.map(BigDecimal::toPlainString).orElse("")
                + "/" + (inf.isPresent() ? "inf" : "sys");
    }
}
