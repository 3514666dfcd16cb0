package dev.xidlab.unwind;

import dev.xidlab.symbols.ImageBytes;
import dev.xidlab.symbols.PeImage;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A loaded module as a walk sees it: where it lies and, when a symbol store (or the dump itself) has it, its
 * image with the headers that locate the unwind data. The image is looked for only when a frame needs it, so a
 * dump naming 150 drivers asks the store for the few on its stacks.
 */
public final class CodeModule {

    /** A module image and its parsed headers. */
    public record Image(ImageBytes bytes, PeImage headers) {
    }

    private final String name;
    private final long base;
    private final long size;
    private final Supplier<Optional<Image>> source;
    private Optional<Image> image;

    public CodeModule(String name, long base, long size, Supplier<Optional<Image>> source) {
        this.name = name;
        this.base = base;
        this.size = size;
        this.source = source;
    }

    public String name() {
        return name;
    }

    public long base() {
        return base;
    }

    public long size() {
        return size;
    }

    /** The image, looked for on first use. */
    public Optional<Image> image() {
        if (image == null) {
            image = source.get();
        }
        return image;
    }

    /** Whether the image was asked for and not found: what a note about missing images lists. */
    public boolean missing() {
        return image != null && image.isEmpty();
    }

    public boolean contains(long address) {
        return Long.compareUnsigned(address, base) >= 0 && Long.compareUnsigned(address - base, size) < 0;
    }
}
