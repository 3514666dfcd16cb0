package dev.xidlab.site;

import java.math.BigDecimal;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * What a module in a dump's module list is, by its file name (case does not matter, as on Windows): a file-system
 * filter of a common product ({@code known-filters.tsv}, after Microsoft's allocated altitudes), a driver Windows
 * ships that is not one ({@code not-filters.tsv}), or neither: unknown, maybe a filter.
 */
public final class KnownModules {

    private static final Map<String, KnownFilter> FILTERS = new HashMap<>();
    private static final Map<String, String> NOT_FILTERS = new HashMap<>();

    static {
        for (String[] r : Tables.read("known-filters.tsv", 4)) {
            KnownFilter f = new KnownFilter(r[0], new BigDecimal(r[1]), r[2],
                    r[3].isEmpty() ? Optional.empty() : Optional.of(r[3]));
            if (FILTERS.put(key(r[0]), f) != null) {
                throw new IllegalStateException("known-filters.tsv names " + r[0] + " twice");
            }
        }
        for (String[] r : Tables.read("not-filters.tsv", 2)) {
            NOT_FILTERS.put(key(r[0]), r[1]);
        }
    }

    private KnownModules() {
    }

    /** Every filter the table names. */
    public static List<KnownFilter> filters() {
        return FILTERS.values().stream().sorted((a, b) -> b.altitude().compareTo(a.altitude())).toList();
    }

    public static Optional<KnownFilter> filter(String module) {
        return Optional.ofNullable(FILTERS.get(key(module)));
    }

    /** What a driver Windows ships is, when it is known not to be a file-system filter. */
    public static Optional<String> notAFilter(String module) {
        String k = key(module);
        if (k.startsWith("dump_")) {
            return Optional.of("crash-dump copy of a storage driver");
        }
        return Optional.ofNullable(NOT_FILTERS.get(k));
    }

    private static String key(String module) {
        return module.toLowerCase(Locale.ROOT);
    }
}
