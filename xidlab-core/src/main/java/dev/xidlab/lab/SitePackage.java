package dev.xidlab.lab;

import java.nio.file.Path;

/**
 * The binaries of a site's own co-resident filter the user supplies ({@code environment.filters[].package}), for a
 * lab that installs them beside the filter under test; the kernel model cannot run them.
 *
 * @param module   the filter's module, as the environment names it
 * @param given    the directory as the plan spells it (relative to the plan file)
 * @param altitude the filter's altitude at the site: a package without an INF is installed as a minifilter service
 *                 there
 */
public record SitePackage(String module, String given, Path path, java.util.Optional<java.math.BigDecimal> altitude) {
}
