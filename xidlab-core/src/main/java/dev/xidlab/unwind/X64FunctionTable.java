package dev.xidlab.unwind;

import dev.xidlab.symbols.ImageBytes;
import dev.xidlab.symbols.PeImage;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * An x64 image's exception directory (.pdata) read as RUNTIME_FUNCTION entries: which function holds an address,
 * with indirect entries followed. The search itself is {@link PdataTable}'s, shared with arm64.
 */
public final class X64FunctionTable {

    private static final int ENTRY = PdataTable.Architecture.X64.entrySize;
    /** RUNTIME_FUNCTION_INDIRECT: the unwind field points at another RUNTIME_FUNCTION, not at UNWIND_INFO. */
    private static final long INDIRECT = 1;

    private final PdataTable table;

    public X64FunctionTable(ImageBytes image, PeImage headers) {
        this.table = new PdataTable(image, headers, PdataTable.Architecture.X64);
    }

    public ImageBytes image() {
        return table.image();
    }

    public long size() {
        return table.size();
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
        PdataTable.Search search = table.floor(rva);
        if (search instanceof PdataTable.Search.Unreadable u) {
            return new Lookup.Unreadable(u.rva());
        }
        if (!(search instanceof PdataTable.Search.Entry e)) {
            return new Lookup.Leaf();
        }
        RuntimeFunction entry = decode(e.bytes());
        if (!entry.contains(rva)) {
            return new Lookup.Leaf();
        }
        Optional<RuntimeFunction> resolved = resolveIndirect(entry);
        return resolved.<Lookup>map(Lookup.Found::new)
                .orElseGet(() -> new Lookup.Unreadable(entry.unwindInfo() - INDIRECT));
    }

    Optional<RuntimeFunction> entry(long rva) {
        return table.image().slice(rva, ENTRY).map(X64FunctionTable::decode);
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
