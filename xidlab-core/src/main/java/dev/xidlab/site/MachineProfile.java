package dev.xidlab.site;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the dumps of one machine say: its environment, every crash with its signature, and how each file-system
 * filter in their module lists was recognised.
 *
 * @param name          the plan's name for it (the site, or the site and a number with --mixed)
 * @param physicalPages the physical memory descriptor's page count, when a kernel memory dump recorded it
 * @param filters       the co-resident filters, highest first, with where the table places them
 * @param knownDrivers  modules known not to be file-system filters (drivers Windows ships, the kernel's images and
 *                      DLLs), left out
 * @param ours          our filter's module, when the dumps list it loaded
 * @param notes         what did not add up: a filter loaded in some crashes only, dumps that could not be analysed
 */
public record MachineProfile(String name, Environment environment, Optional<Long> physicalPages,
                             List<ProfiledCrash> crashes, List<FilterFinding> filters, int knownDrivers,
                             Optional<String> ours, List<Path> dumps, List<String> notes) {

    public MachineProfile {
        crashes = List.copyOf(crashes);
        filters = List.copyOf(filters);
        dumps = List.copyOf(dumps);
        notes = List.copyOf(notes);
    }

    /**
     * A file-system filter found loaded, as the table knows it.
     *
     * @param seenIn in how many of the machine's crashes it was loaded
     * @param above  its callbacks run before ours at every level of a re-entry
     */
    public record FilterFinding(KnownFilter filter, int seenIn, boolean above) {
    }

    /** Every module the dumps list: ours, the filters, the unknown drivers and the known ones. */
    public int modules() {
        return (ours.isPresent() ? 1 : 0) + filters.size() + environment.unknownModules().size() + knownDrivers;
    }

    public long reentryCrashes() {
        return crashes.stream().filter(ProfiledCrash::reentry).count();
    }

    /** Some of its crashes are the re-entry crash: the site matches the field pattern. */
    public boolean matchesFieldPattern() {
        return reentryCrashes() > 0;
    }

    /** Every module seen on the overflowed stacks of its re-entry crashes, in order of first appearance. */
    public List<String> modulesOnOverflowedStacks() {
        return crashes.stream().filter(ProfiledCrash::reentry).flatMap(c -> c.modulesOnStack().stream()).distinct()
                .collect(Collectors.toList());
    }
}
