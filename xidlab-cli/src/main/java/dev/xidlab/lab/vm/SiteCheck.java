package dev.xidlab.lab.vm;

import dev.xidlab.lab.LabUnavailableException;
import dev.xidlab.lab.runner.CommandResult;
import dev.xidlab.site.Environment;
import dev.xidlab.site.ResidentFilter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The booted guest against the plan's site: its Windows build, its size and its co-resident filters, and what every
 * report must say of the difference.
 */
final class SiteCheck {

    private static final Duration QUICK = Duration.ofMinutes(2);

    private final VagrantLab.Setup setup;
    private final GuestOs guest;
    private final List<String> notices = new ArrayList<>();
    private boolean checked;

    SiteCheck(VagrantLab.Setup setup, GuestOs guest) {
        this.setup = setup;
        this.guest = guest;
    }

    /**
     * Compares the booted guest with the plan's site, once: a box of another Windows build is refused (the reason
     * says which builds) unless the setup allows it, which every report then says; the site's co-resident filters
     * the guest does not have loaded are listed, and the environment is partial (their binaries are the customer's:
     * xidlab cannot install them).
     */
    void check(GuestSession session, CommandResult identity) {
        if (checked || setup.site().isEmpty()) {
            return;
        }
        List<String> loaded = guest.filtersScript().map(script -> session.exec(script, QUICK))
                .filter(CommandResult::succeeded).map(r -> guest.parseFilters(r.stdout())).orElse(List.of());
        notices.addAll(judge(setup, guest.windowsBuild(identity), loaded));
        checked = true;
    }

    List<String> notices() {
        return List.copyOf(notices);
    }

    /**
     * What every report must say of a guest of this build with these filters loaded, standing for the setup's site.
     *
     * @throws LabUnavailableException for a box of another build than the site's, unless the setup allows it
     */
    static List<String> judge(VagrantLab.Setup setup, Optional<Integer> build, List<String> loaded) {
        Environment site = setup.site().orElseThrow();
        List<String> notices = new ArrayList<>();
        if (site.build().isPresent()) {
            if (build.isEmpty()) {
                notices.add("the guest has no Windows build to check against the site's " + site.build().get());
            } else if (!build.equals(site.build())) {
                String mismatch = "the box " + setup.box() + " runs Windows build " + build.get() + ", the site's"
                        + " dumps build " + site.build().get();
                if (!setup.allowBuildMismatch()) {
                    throw new LabUnavailableException(mismatch + ": use a box of that build, or --allow-build-mismatch"
                            + " to run anyway");
                }
                notices.add("WARNING: " + mismatch + " (--allow-build-mismatch)");
            }
        }
        sizeNotice(site.processors(), setup.environment().get(VagrantLab.GUEST_CPUS), "processors")
                .ifPresent(notices::add);
        sizeNotice(site.memoryMiB(), setup.environment().get(VagrantLab.GUEST_MEMORY), "MiB of memory")
                .ifPresent(notices::add);
        List<String> lacking = site.filters().stream().map(ResidentFilter::module)
                .filter(m -> loaded.stream().noneMatch(l -> sameFilter(l, m))).toList();
        if (!lacking.isEmpty()) {
            notices.add("environment partial: the guest lacks " + lacking.size() + " of the site's "
                    + site.filters().size() + " co-resident filters (" + String.join(", ", lacking) + ")");
        }
        return notices;
    }

    /** "environment partial: the guest has 2 of the site's 16 processors (all this host has)" where it was cut. */
    private static Optional<String> sizeNotice(Optional<Integer> site, String guest, String what) {
        if (site.isEmpty() || guest == null || Integer.parseInt(guest) >= site.get()) {
            return Optional.empty();
        }
        return Optional.of("environment partial: the guest has " + guest + " of the site's " + site.get() + " "
                + what + " (all this host can give)");
    }

    /** fltmc names a filter by its service ("WdFilter"), a dump by its image ("WdFilter.sys"). */
    static boolean sameFilter(String loaded, String module) {
        String image = module.toLowerCase(java.util.Locale.ROOT);
        String name = loaded.toLowerCase(java.util.Locale.ROOT);
        return image.equals(name) || image.equals(name + ".sys");
    }
}
