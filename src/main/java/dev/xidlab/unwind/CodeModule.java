package dev.xidlab.unwind;

import dev.xidlab.symbols.ImageBytes;
import dev.xidlab.symbols.PeImage;
import java.util.Optional;

/**
 * A loaded module as a walk sees it: where it lies and, when a symbol store (or the dump itself) had it, its
 * image with the headers that locate the unwind data.
 */
public record CodeModule(String name, long base, long size, Optional<Image> image) {

    /** A module image and its parsed headers. */
    public record Image(ImageBytes bytes, PeImage headers) {
    }

    public boolean contains(long address) {
        return Long.compareUnsigned(address, base) >= 0 && Long.compareUnsigned(address - base, size) < 0;
    }
}
