package dev.xidlab.lab.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * What a stand-in box is made of, as scripts/standin-manifest.sh wrote it when the box was built: inside the box
 * ({@value #IN_GUEST}) and beside the box file in the cache (NAME.manifest next to NAME.box). Lines are
 * "field value": the header (recipe, built, mirror, debian, kernel, jre, packages), then one "package NAME VERSION"
 * per installed package; # starts a comment.
 *
 * @param header the header lines as they are written, in order
 */
public record StandInManifest(List<String> header) {

    public static final String IN_GUEST = "/etc/xidlab-standin.manifest";
    static final String BOX_PREFIX = "xidlab-standin-";

    public StandInManifest {
        header = List.copyOf(header);
    }

    public static StandInManifest parse(String text) {
        return new StandInManifest(text.lines().filter(l -> !l.isBlank() && !l.startsWith("#")
                && !l.startsWith("package ")).toList());
    }

    public static StandInManifest read(Path file) throws IOException {
        return parse(Files.readString(file, StandardCharsets.UTF_8));
    }

    /**
     * The header on one line, fields apart by ", ": what {@code lab doctor} shows, for the cache's manifest and for
     * the guest's alike ({@link StandInGuest#manifestScript} prints the same line in the guest), so the two can be
     * compared by eye.
     */
    public String summary() {
        return String.join(", ", header);
    }

    /** Where build-standin-box.sh caches its boxes: its CACHE_DIR default, XIDLAB_CACHE or ~/.cache/xidlab. */
    public static Path cacheDir(Map<String, String> environment, Path userHome) {
        String cache = environment.get("XIDLAB_CACHE");
        return cache == null || cache.isBlank() ? userHome.resolve(".cache").resolve("xidlab") : Path.of(cache);
    }

    /** The newest stand-in box file in the cache (the build removes older ones), if there is one. */
    public static Optional<Path> newestBox(Path cache) throws IOException {
        if (!Files.isDirectory(cache)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(cache)) {
            return files.filter(f -> f.getFileName().toString().startsWith(BOX_PREFIX)
                            && f.getFileName().toString().endsWith(".box") && Files.isRegularFile(f))
                    .max(Comparator.comparingLong(f -> f.toFile().lastModified()));
        }
    }

    /** The manifest beside a box file: NAME.manifest for NAME.box. */
    public static Path besideBox(Path box) {
        String name = box.getFileName().toString();
        return box.resolveSibling(name.substring(0, name.length() - ".box".length()) + ".manifest");
    }
}
