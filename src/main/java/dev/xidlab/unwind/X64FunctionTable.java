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
        // makes a lookup find nothing.
        this.count = table + entries * ENTRY <= image.size() ? entries : 0;
    }

    public ImageBytes image() {
        return image;
    }

    public long size() {
        return count;
    }

    /** The function containing {@code rva}; empty for a leaf function (no entry) or an unreadable table. */
    public Optional<RuntimeFunction> lookup(long rva) {
        long found = AddressSearch.floor(count, i -> image.u32(table + i * ENTRY).orElse(0), rva);
        return found < 0 ? Optional.empty()
                : entry(table + found * ENTRY).filter(f -> f.contains(rva)).flatMap(this::resolveIndirect);
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
