package dev.xidlab.site;

import java.nio.file.Path;
import java.util.List;

/**
 * A customer's crash dumps read as the machines they came from: one machine for a site, several only when asked
 * (--mixed), and the files that could not be read, each with its reason.
 */
public record SiteProfile(List<MachineProfile> machines, List<Unreadable> unreadable) {

    public SiteProfile {
        machines = List.copyOf(machines);
        unreadable = List.copyOf(unreadable);
    }

    /** A file that is no dump, or a dump that could not be read. */
    public record Unreadable(Path file, String reason) {
    }
}
