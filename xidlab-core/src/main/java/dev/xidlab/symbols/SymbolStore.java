package dev.xidlab.symbols;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Module images and PDBs by the keys a debugger asks a symbol server for: {@code name/%08X TimeDateStamp +
 * %X SizeOfImage/name} for an image, {@code name/GUID+age/name} for a PDB. Lookups ignore case (a symbol
 * server does; a Linux directory does not). Servers are asked over HTTP and what they send is kept in their
 * cache; a server that does not answer is one warning and then left alone, never a failed triage. Parsed images
 * and PDBs are cached per store file, so a scan of many dumps of one machine parses each once.
 */
public final class SymbolStore {

    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    /** Parsed images and PDBs kept across dumps; bounded so a scan of many machines' dumps stays small. */
    private static final int CACHED_FILES = 64;
    private static final Map<Path, Object> PARSED = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, Object> eldest) {
            return size() > CACHED_FILES;
        }
    };

    private final SymbolPath path;
    private final Consumer<String> warnings;
    private final Set<URI> silentServers = new HashSet<>();
    /** Lookups already made, found or not: a scan of many dumps of one machine asks the same keys. */
    private final Map<String, Optional<Path>> looked = new HashMap<>();
    private HttpClient http;

    public SymbolStore(SymbolPath path, Consumer<String> warnings) {
        this.path = path;
        this.warnings = warnings;
    }

    /** A store with no locations: every module stays without an image. */
    public static SymbolStore none() {
        return new SymbolStore(SymbolPath.none(), w -> { });
    }

    public SymbolPath path() {
        return path;
    }

    /** The image a module list names, when a location has it (downloaded into a server's cache if need be). */
    public Optional<Path> image(String name, long timeDateStamp, long sizeOfImage) {
        return find(name, PeImage.imageKey(timeDateStamp, sizeOfImage));
    }

    /** The PDB an image's RSDS record names. */
    public Optional<Path> pdb(PdbKey key) {
        return find(key.name(), key.key());
    }

    /** The image with its headers, read and cached; empty when no location has it or it is not a PE image. */
    public Optional<LoadedImage> loadImage(String name, long timeDateStamp, long sizeOfImage) {
        return image(name, timeDateStamp, sizeOfImage).flatMap(p -> parsed(p, LoadedImage.class, () -> {
            PeFile file = PeFile.open(p);
            return new LoadedImage(file, PeImage.read(file, p.toString()));
        }));
    }

    /** The PDB, read and cached; a PDB that is there but unreadable is a warning. */
    public Optional<Pdb> loadPdb(PdbKey key) {
        return pdb(key).flatMap(p -> parsed(p, Pdb.class, () -> Pdb.open(p)));
    }

    private interface Parser<T> {
        T parse() throws PeFormatException;
    }

    private <T> Optional<T> parsed(Path file, Class<T> type, Parser<T> parser) {
        Path key = file.toAbsolutePath().normalize();
        synchronized (PARSED) {
            Object cached = PARSED.get(key);
            if (type.isInstance(cached)) {
                return Optional.of(type.cast(cached));
            }
        }
        try {
            T value = parser.parse();
            synchronized (PARSED) {
                PARSED.put(key, value);
            }
            return Optional.of(value);
        } catch (PeFormatException e) {
            warnings.accept(e.getMessage());
            return Optional.empty();
        }
    }

    private Optional<Path> find(String name, String key) {
        String k = (name + "/" + key).toLowerCase(Locale.ROOT);
        Optional<Path> cached = looked.get(k);
        if (cached == null) {
            cached = search(name, key);
            looked.put(k, cached);
        }
        return cached;
    }

    private Optional<Path> search(String name, String key) {
        for (SymbolPath.Location location : path.locations()) {
            Optional<Path> found = Optional.empty();
            if (location instanceof SymbolPath.Local local) {
                found = lookup(local.directory(), name, key);
            } else if (location instanceof SymbolPath.Server server) {
                found = lookup(server.cache(), name, key).or(() -> download(server, name, key));
            }
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    /** root/name/key/name, each step matched without regard to case. */
    static Optional<Path> lookup(Path root, String name, String key) {
        return child(root, name).flatMap(d -> child(d, key)).flatMap(d -> child(d, name))
                .filter(Files::isRegularFile);
    }

    private static Optional<Path> child(Path dir, String name) {
        Path exact = dir.resolve(name);
        if (Files.exists(exact)) {
            return Optional.of(exact);
        }
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path entry : entries) {
                if (entry.getFileName().toString().equalsIgnoreCase(name)) {
                    return Optional.of(entry);
                }
            }
        } catch (IOException e) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private Optional<Path> download(SymbolPath.Server server, String name, String key) {
        if (silentServers.contains(server.url())) {
            return Optional.empty();
        }
        String base = server.url().toString().replaceAll("/+$", "");
        URI uri = URI.create(base + "/" + name + "/" + key + "/" + name);
        try {
            if (http == null) {
                http = HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT)
                        .followRedirects(HttpClient.Redirect.NORMAL).build();
            }
            Path dir = server.cache().resolve(name).resolve(key);
            Files.createDirectories(dir);
            Path partial = Files.createTempFile(dir, name, ".partial");
            HttpResponse<Path> response = http.send(HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT)
                    .header("User-Agent", "xidlab").GET().build(), HttpResponse.BodyHandlers.ofFile(partial));
            if (response.statusCode() != 200) {
                Files.deleteIfExists(partial);
                if (response.statusCode() != 404) {
                    silence(server, "HTTP " + response.statusCode());
                }
                return Optional.empty();
            }
            Path target = dir.resolve(name);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return Optional.of(target);
        } catch (IOException e) {
            silence(server, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    private void silence(SymbolPath.Server server, String why) {
        silentServers.add(server.url());
        warnings.accept("symbol server " + server.url() + " did not answer (" + why + "); going on without it");
    }

    /**
     * Files an image into a store directory under its symbol server key, as {@code symstore add} does, and its
     * PDB beside it when one with the matching GUID and age lies next to the image. Returns where the image went.
     */
    public static Path add(Path root, Path imageFile) throws PeFormatException, IOException {
        PeFile file = PeFile.open(imageFile);
        PeImage headers = PeImage.read(file, imageFile.toString());
        String name = imageFile.getFileName().toString();
        Path target = place(root, name, headers.imageKey(), imageFile);
        if (headers.pdb().isPresent()) {
            PdbKey key = headers.pdb().get();
            Path pdb = imageFile.resolveSibling(key.name());
            if (Files.isRegularFile(pdb) && Pdb.open(pdb).key().key().equals(key.key())) {
                place(root, key.name(), key.key(), pdb);
            }
        }
        return target;
    }

    /** Files a PDB under its GUID and age. */
    public static Path addPdb(Path root, Path pdbFile) throws PeFormatException, IOException {
        PdbKey key = Pdb.open(pdbFile).key();
        return place(root, pdbFile.getFileName().toString(), key.key(), pdbFile);
    }

    private static Path place(Path root, String name, String key, Path source) throws IOException {
        Path existing = lookup(root, name, key).orElse(null);
        if (existing != null) {
            return existing;
        }
        Path dir = root.resolve(name).resolve(key.toUpperCase(Locale.ROOT));
        Files.createDirectories(dir);
        Path partial = Files.createTempFile(dir, name, ".partial");
        Files.copy(source, partial, StandardCopyOption.REPLACE_EXISTING);
        Path target = dir.resolve(name);
        Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
        return target;
    }
}
