package dev.xidlab.unwind;

import dev.xidlab.symbols.AddressSearch;
import dev.xidlab.symbols.ImageBytes;
import dev.xidlab.symbols.PeImage;
import java.nio.ByteBuffer;

/**
 * An image's exception directory (.pdata), x64 or arm64: fixed-size entries sorted by BeginAddress, searched in
 * place in the image's bytes, so a large kernel image costs nothing until a frame falls into it. What an entry
 * means past its BeginAddress is the architecture's reader's business ({@link X64FunctionTable},
 * {@link Arm64FunctionTable}).
 */
final class PdataTable {

    /** How wide one entry is, by the image's machine. */
    enum Architecture {
        /** RUNTIME_FUNCTION: BeginAddress, EndAddress, UnwindInfoAddress. */
        X64(12),
        /** BeginAddress and either packed unwind data or the RVA of an .xdata record. */
        ARM64(8);

        final int entrySize;

        Architecture(int entrySize) {
            this.entrySize = entrySize;
        }
    }

    /** What a search found: the entry at or below the address, none, or an entry it could not read. */
    sealed interface Search {

        /** The last entry whose BeginAddress is at or below the address; it may still end before it. */
        record Entry(ByteBuffer bytes) implements Search {
        }

        /** No entry begins at or below the address. */
        record None() implements Search {
        }

        /**
         * An entry the search needed is not readable: an image from a dump whose .pdata page is paged out. Taking
         * that for "no entry" would invent a leaf.
         */
        record Unreadable(long rva) implements Search {
        }
    }

    private final ImageBytes image;
    private final int entry;
    private final long table;
    private final long count;

    PdataTable(ImageBytes image, PeImage headers, Architecture architecture) {
        this.image = image;
        this.entry = architecture.entrySize;
        this.table = headers.exceptionTable();
        long entries = headers.exceptionTableSize() / entry;
        // A directory pointing past the image (a corrupt header) is no table; a page missing inside it (a dump)
        // makes a search that needs it unreadable.
        this.count = table + entries * entry <= image.size() ? entries : 0;
    }

    ImageBytes image() {
        return image;
    }

    long size() {
        return count;
    }

    Search floor(long rva) {
        long[] unreadable = {-1};
        long found = AddressSearch.floor(count, i -> {
            long at = table + i * entry;
            var begin = image.u32(at);
            if (begin.isEmpty()) {
                unreadable[0] = at;
                return Long.MAX_VALUE;      // compared unsigned: above everything, so the search moves down
            }
            return begin.getAsLong();
        }, rva);
        if (unreadable[0] >= 0) {
            return new Search.Unreadable(unreadable[0]);
        }
        if (found < 0) {
            return new Search.None();
        }
        long at = table + found * entry;
        return image.slice(at, entry).<Search>map(Search.Entry::new).orElseGet(() -> new Search.Unreadable(at));
    }
}
