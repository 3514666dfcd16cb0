package dev.xidlab.symbols;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A symbol path in {@code _NT_SYMBOL_PATH}'s syntax: entries separated by {@code ;}, each a local directory in the
 * symbol server layout, or {@code srv*CACHE*URL} (also {@code symsrv*symsrv.dll*CACHE*URL}) for a symbol server
 * whose downloads are kept in CACHE. {@code srv*URL} keeps them in the default cache.
 */
public record SymbolPath(List<Location> locations) {

    /** Where symbols may be found. */
    public sealed interface Location {
    }

    /** A directory laid out as name/KEY/name. */
    public record Local(Path directory) implements Location {
    }

    /** A symbol server over HTTP(S), with the directory its downloads are cached in. */
    public record Server(Path cache, URI url) implements Location {
    }

    public SymbolPath {
        locations = List.copyOf(locations);
    }

    public static SymbolPath none() {
        return new SymbolPath(List.of());
    }

    /** Parses a symbol path; a malformed entry is an {@link IllegalArgumentException} naming it. */
    public static SymbolPath parse(String text, Path defaultCache) {
        List<Location> locations = new ArrayList<>();
        for (String raw : text.split(";")) {
            String entry = raw.trim();
            if (entry.isEmpty()) {
                continue;
            }
            String lower = entry.toLowerCase(Locale.ROOT);
            if (lower.startsWith("srv*") || lower.startsWith("symsrv*")) {
                List<String> parts = new ArrayList<>(List.of(entry.split("\\*", -1)));
                parts.remove(0);
                if (lower.startsWith("symsrv*") && !parts.isEmpty()) {
                    parts.remove(0);    // the DLL a Windows debugger would load: symsrv.dll
                }
                parts.removeIf(String::isBlank);
                Optional<String> url = parts.isEmpty() ? Optional.empty()
                        : Optional.of(parts.get(parts.size() - 1)).filter(SymbolPath::isUrl);
                if (url.isEmpty()) {
                    // srv*DIR: a store of downloads without a server behind it.
                    parts.forEach(p -> locations.add(new Local(Path.of(p))));
                    continue;
                }
                parts.remove(parts.size() - 1);
                Path cache = parts.isEmpty() ? defaultCache : Path.of(parts.get(0));
                parts.forEach(p -> locations.add(new Local(Path.of(p))));
                if (parts.isEmpty()) {
                    locations.add(new Local(cache));
                }
                locations.add(new Server(cache, URI.create(url.get())));
            } else if (lower.startsWith("cache*")) {
                locations.add(new Local(Path.of(entry.substring("cache*".length()))));
            } else if (isUrl(entry)) {
                throw new IllegalArgumentException("symbol path entry '" + entry + "': a server needs srv*CACHE*URL");
            } else {
                locations.add(new Local(Path.of(entry)));
            }
        }
        return new SymbolPath(locations);
    }

    private static boolean isUrl(String s) {
        String lower = s.toLowerCase(Locale.ROOT);
        return lower.startsWith("http://") || lower.startsWith("https://");
    }
}
