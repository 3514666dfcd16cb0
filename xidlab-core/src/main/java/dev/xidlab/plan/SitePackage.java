package dev.xidlab.plan;

import java.nio.file.Path;

/**
 * The binaries of a site's own co-resident filter the user supplies ({@code environment.filters[].package}), for a
 * lab that installs them beside the filter under test; the kernel model cannot run them.
 *
 * @param module the filter's module, as the environment names it
 * @param given  the directory as the plan spells it (relative to the plan file)
 */
public record SitePackage(String module, String given, Path path) {
}
