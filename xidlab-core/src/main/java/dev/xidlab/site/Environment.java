package dev.xidlab.site;

import dev.xidlab.device.ModelEnvironment;
import dev.xidlab.dump.Machine;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The machine at a customer's site, as its crash dumps show it or a plan's {@code environment:} block states it:
 * Windows build and architecture, processors, physical memory (unknown from a minidump), where our filter sits, the
 * file-system filters loaded beside it, and the drivers nobody could tell are not filters.
 *
 * @param memoryMiB      empty when the dumps do not record it (minidumps)
 * @param filterAltitude our filter's altitude at the site
 * @param filters        the co-resident filters, highest first
 * @param unknownModules drivers in the dumps that no table names: listed, never modelled
 * @param groupFrames    the plan's figures for the stack a filter of a group takes (its {@code model:} block's
 *                       {@code filterFrames}), over the groups' assumed ones
 */
public record Environment(Optional<Integer> build, Optional<Machine> architecture, Optional<Integer> processors,
                          Optional<Integer> memoryMiB, BigDecimal filterAltitude, List<ResidentFilter> filters,
                          List<String> unknownModules, Map<FilterGroup, Integer> groupFrames) {

    /** xidfilter's test altitude in the FSFilter Activity Monitor range (driver/wdk/xidfilter.inf). */
    public static final BigDecimal XIDFILTER_ALTITUDE = new BigDecimal("385100");

    public Environment {
        filters = filters.stream().sorted(Comparator.comparing(ResidentFilter::legacy).reversed()
                .thenComparing(ResidentFilter::altitude, Comparator.reverseOrder())).toList();
        unknownModules = List.copyOf(unknownModules);
        groupFrames = Map.copyOf(groupFrames);
        groupFrames.forEach((group, bytes) -> {
            if (bytes < ModelEnvironment.MIN_FRAME_BYTES || bytes > ModelEnvironment.MAX_FRAME_BYTES || bytes % 16 != 0) {
                throw new IllegalArgumentException(group.label() + ": a frame of " + bytes + " bytes is none: x64"
                        + " frames are multiples of 16, " + ModelEnvironment.MIN_FRAME_BYTES + ".."
                        + ModelEnvironment.MAX_FRAME_BYTES);
            }
        });
        processors.ifPresent(p -> {
            if (p < 1 || p > 1024) {
                throw new IllegalArgumentException("processors must be 1..1024, not " + p);
            }
        });
        memoryMiB.ifPresent(m -> {
            if (m < 64) {
                throw new IllegalArgumentException("memory must be at least 64 MiB, not " + m);
            }
        });
        build.ifPresent(b -> {
            if (b < 1 || b > 0xFFFFFF) {
                throw new IllegalArgumentException("a Windows build is 1.." + 0xFFFFFF + ", not " + b);
            }
        });
        List<String> seen = new ArrayList<>();
        for (ResidentFilter f : filters) {
            String key = f.module().toLowerCase(Locale.ROOT);
            if (seen.contains(key)) {
                throw new IllegalArgumentException(f.module() + " is listed twice");
            }
            seen.add(key);
            if (!f.legacy() && f.altitude().compareTo(filterAltitude) == 0) {
                throw new IllegalArgumentException(f.module() + " is at " + filterAltitude.toPlainString()
                        + ", our filter's altitude: the filter manager refuses a second instance there");
            }
        }
    }

    /** The co-resident filters whose callbacks run before ours at every level of a re-entry. */
    public List<ResidentFilter> above() {
        return filters.stream().filter(f -> f.above(filterAltitude)).toList();
    }

    /** The same site with the plan's figures for the stack of a group's filters. */
    public Environment withGroupFrames(Map<FilterGroup, Integer> frames) {
        return new Environment(build, architecture, processors, memoryMiB, filterAltitude, filters, unknownModules,
                frames);
    }

    /**
     * The machine the kernel model stands for: this build, processors and memory in its dumps, and each co-resident
     * filter on its stack with the frame its plan states, else its group's in {@link #groupFrames}, else the group's
     * assumed one.
     *
     * @throws IllegalArgumentException when the model cannot hold it (too many filters, an altitude finer than a
     *                                  thousandth, a frame that is none)
     */
    public ModelEnvironment model() {
        ModelEnvironment d = ModelEnvironment.DEFAULT;
        List<ModelEnvironment.ResidentFilter> resident = new ArrayList<>();
        for (ResidentFilter f : filters) {
            resident.add(new ModelEnvironment.ResidentFilter(f.module(), ModelEnvironment.thousandths(f.altitude()),
                    f.frameBytes(groupFrames), f.skipPagingIo(), f.legacy()));
        }
        return new ModelEnvironment(build.orElse(d.build()), processors.orElse(d.processors()),
                memoryMiB.map(m -> m * 256L).orElse(d.physicalPages()), ModelEnvironment.thousandths(filterAltitude),
                resident);
    }

    /**
     * "Windows build 19041 x64, 16 processors, memory unknown; 6 file-system filters beside ours at 385100 (1 above
     * it: mssecflt.sys); 18 unknown drivers".
     */
    public String describe() {
        String machine = "Windows build " + build.map(String::valueOf).orElse("unknown")
                + architecture.map(a -> " " + a.name().toLowerCase(Locale.ROOT)).orElse("") + ", "
                + processors.map(p -> p + " processors").orElse("processors unknown") + ", "
                + memoryMiB.map(m -> m + " MiB").orElse("memory unknown");
        List<ResidentFilter> above = above();
        String beside = filters.size() + " file-system filter" + (filters.size() == 1 ? "" : "s") + " beside ours at "
                + filterAltitude.toPlainString() + (above.isEmpty() ? " (none above it)" : " (" + above.size()
                + " above it: " + above.stream().map(ResidentFilter::module).collect(Collectors.joining(", ")) + ")");
        return machine + "; " + beside + (unknownModules.isEmpty() ? ""
                : "; " + unknownModules.size() + " unknown driver" + (unknownModules.size() == 1 ? "" : "s"));
    }
}
