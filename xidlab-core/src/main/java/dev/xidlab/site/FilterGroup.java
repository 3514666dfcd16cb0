package dev.xidlab.site;

import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * A load order group of file-system filters and its altitude range (Microsoft's), with the stack xidlab assumes a
 * filter of the group takes in its callback on an operation it sees (xidlab's assumption, stated with its reason):
 * the table {@code filter-groups.tsv} beside this class.
 *
 * @param label      what a plan calls it: "anti-virus"
 * @param name       the LoadOrderGroup: "FSFilter Anti-Virus"
 * @param frameBytes the assumed stack, x64 bytes, a multiple of 16
 * @param why        the reason for that figure
 */
public record FilterGroup(String label, String name, BigDecimal lowest, BigDecimal highest, int frameBytes,
                          String why) {

    private static final List<FilterGroup> ALL = Tables.read("filter-groups.tsv", 6).stream()
            .map(r -> new FilterGroup(r[0], r[1], new BigDecimal(r[2]), new BigDecimal(r[3]), Integer.parseInt(r[4]),
                    r[5]))
            .sorted(Comparator.comparing(FilterGroup::lowest).reversed())
            .toList();

    /** Every group, top of the stack first. */
    public static List<FilterGroup> all() {
        return ALL;
    }

    /** The group whose range holds the altitude; empty between ranges. */
    public static Optional<FilterGroup> of(BigDecimal altitude) {
        return ALL.stream().filter(g -> g.lowest.compareTo(altitude) <= 0 && altitude.compareTo(g.highest) <= 0)
                .findFirst();
    }

    /**
     * @throws IllegalArgumentException for a label no group has
     */
    public static FilterGroup byLabel(String label) {
        String wanted = label == null ? "" : label.trim().toLowerCase(Locale.ROOT);
        return ALL.stream().filter(g -> g.label.equals(wanted) || g.name.equalsIgnoreCase(wanted)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown filter group '" + label + "' (expected one"
                        + " of: " + ALL.stream().map(FilterGroup::label).collect(Collectors.joining(", ")) + ")"));
    }
}
