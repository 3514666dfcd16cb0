package dev.xidlab.unwind;

import dev.xidlab.symbols.AddressSearch;
import dev.xidlab.symbols.ImageBytes;
import dev.xidlab.symbols.PeImage;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * An x64 image's exception directory (.pdata): RUNTIME_FUNCTION entries sorted by address, searched in place in
 * the image's bytes, so a large kernel image costs nothing until a frame falls into it.
 */
public final class X64FunctionTable {

    private static final int ENTRY = 12;
    /** RUNTIME_FUNCTION_INDIRECT: the unwind field points at another RUNTIME_FUNCTION, not at UNWIND_INFO. */
    private static final long INDIRECT = 1;

    private final ImageBytes image;
    private final long table;
    private final long count;

    public X64FunctionTable(ImageBytes image, PeImage headers) {
        this.image = image;
        this.table = headers.exceptionTable();
        long entries = headers.exceptionTableSize() / ENTRY;
        // A directory pointing past the image (a corrupt header) is no table; a page missing inside it (a dump)
        // makes a lookup that needs it unreadable.
        this.count = table + entries * ENTRY <= image.size() ? entries : 0;
    }

    public ImageBytes image() {
        return image;
    }

    public long size() {
        return count;
    }

    /** What a lookup found: the function holding the address, no entry (a leaf function), or a table it could not read. */
    public sealed interface Lookup {

        record Found(RuntimeFunction function) implements Lookup {
        }

        /** No entry covers the address: a leaf function, whose return address is at RSP. */
        record Leaf() implements Lookup {
        }

        /**
         * An entry the search needed is not readable: an image from a dump whose .pdata page is paged out. Taking
         * that for a leaf would invent a frame.
         */
        record Unreadable(long rva) implements Lookup {
        }
    }

    /** The function containing {@code rva}. */
    public Lookup lookup(long rva) {
        long[] unreadable = {-1};
        long found = AddressSearch.floor(count, i -> {
            long at = table + i * ENTRY;
            var begin = image.u32(at);
            if (begin.isEmpty()) {
                unreadable[0] = at;
                return Long.MAX_VALUE;      // compared unsigned: above everything, so the search moves down
            }
            return begin.getAsLong();
        }, rva);
        if (unreadable[0] >= 0) {
            return new Lookup.Unreadable(unreadable[0]);
        }
        if (found < 0) {
            return new Lookup.Leaf();
        }
        Optional<RuntimeFunction> entry = entry(table + found * ENTRY);
        if (entry.isEmpty()) {
            return new Lookup.Unreadable(table + found * ENTRY);
        }
        if (!entry.get().contains(rva)) {
            return new Lookup.Leaf();
        }
        Optional<RuntimeFunction> resolved = resolveIndirect(entry.get());
        return resolved.<Lookup>map(Lookup.Found::new)
                .orElseGet(() -> new Lookup.Unreadable(entry.get().unwindInfo() - INDIRECT));
    }

    Optional<RuntimeFunction> entry(long rva) {
        return image.slice(rva, ENTRY).map(X64FunctionTable::decode);
    }

    static RuntimeFunction decode(ByteBuffer b) {
        return new RuntimeFunction(Integer.toUnsignedLong(b.getInt(0)), Integer.toUnsignedLong(b.getInt(4)),
                Integer.toUnsignedLong(b.getInt(8)));
    }

    private Optional<RuntimeFunction> resolveIndirect(RuntimeFunction f) {
        if ((f.unwindInfo() & INDIRECT) == 0) {
            return Optional.of(f);
        }
        // The whole entry is the other one: its function, its prolog, its unwind codes.
        return entry(f.unwindInfo() - INDIRECT);
    }
}
