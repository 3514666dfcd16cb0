package dev.xidlab.lint;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** The imports XL001 looks for, each with its reason, from the documented list {@code risky-imports.txt}. */
final class RiskyImports {

    static final String RESOURCE = "risky-imports.txt";

    private final Map<String, String> reasons;

    private RiskyImports(Map<String, String> reasons) {
        this.reasons = Map.copyOf(reasons);
    }

    static RiskyImports load() {
        try (InputStream in = RiskyImports.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the class path");
            }
            Map<String, String> reasons = new LinkedHashMap<>();
            BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                String[] parts = l.split("\\s+", 2);
                if (parts.length < 2) {
                    throw new IllegalStateException(RESOURCE + ": " + parts[0] + " has no reason");
                }
                reasons.put(parts[0], parts[1]);
            }
            return new RiskyImports(reasons);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Why {@code routine} is risky on the paging path, when it is. */
    Optional<String> reason(String routine) {
        return Optional.ofNullable(reasons.get(routine));
    }

    Map<String, String> all() {
        return reasons;
    }
}
