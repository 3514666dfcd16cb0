package dev.xidlab.dump;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The names WinDbg gives bug check codes, and what the parameters of the common ones mean: data in
 * {@code bugcheck-names.tsv} and {@code bugcheck-parameters.tsv} beside this class, after Microsoft's bug check
 * code reference. A 0x1000xxxx code is its 0xxxx base with {@code _M}; an unknown code is UNKNOWN_BUGCHECK.
 */
public final class BugcheckNames {

    public static final String UNKNOWN = "UNKNOWN_BUGCHECK";

    private static final Map<Long, String> NAMES = new HashMap<>();
    private static final Map<Long, List<String>> PARAMETERS = new HashMap<>();

    static {
        for (String[] row : read("bugcheck-names.tsv")) {
            NAMES.put(Long.decode(row[0]), row[1]);
        }
        for (String[] row : read("bugcheck-parameters.tsv")) {
            PARAMETERS.put(Long.decode(row[0]), List.of(row[1], row[2], row[3], row[4]));
        }
    }

    private BugcheckNames() {
    }

    /** Every code the table names. */
    public static Map<Long, String> all() {
        return Map.copyOf(NAMES);
    }

    public static String name(long code) {
        String exact = NAMES.get(code);
        if (exact != null) {
            return exact;
        }
        long base = Bugcheck.baseCode(code);
        String named = base != code ? NAMES.get(base) : null;
        return named != null ? named + "_M" : UNKNOWN;
    }

    /** What parameters 1-4 of the code mean; empty when the table does not say. */
    public static List<String> parameters(long code) {
        return PARAMETERS.getOrDefault(Bugcheck.baseCode(code), List.of());
    }

    private static List<String[]> read(String resource) {
        try (InputStream in = BugcheckNames.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("the bugcheck table " + resource + " is missing from the jar");
            }
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            return reader.lines().filter(l -> !l.isBlank() && !l.startsWith("#")).map(l -> l.split("\t"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
