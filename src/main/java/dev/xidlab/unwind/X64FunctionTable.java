package dev.xidlab.unwind;

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
        this.count = headers.exceptionTableSize() / ENTRY;
    }

    public ImageBytes image() {
        return image;
    }

    public long size() {
        return count;
    }

    /** The function containing {@code rva}; empty for a leaf function (no entry) or an unreadable table. */
    public Optional<RuntimeFunction> lookup(long rva) {
        long lo = 0;
        long hi = count - 1;
        while (lo <= hi) {
            long mid = (lo + hi) >>> 1;
            Optional<RuntimeFunction> entry = entry(table + mid * ENTRY);
            if (entry.isEmpty()) {
                return Optional.empty();
            }
            RuntimeFunction f = entry.get();
            if (rva < f.begin()) {
                hi = mid - 1;
            } else if (rva >= f.end()) {
                lo = mid + 1;
            } else {
                return resolveIndirect(f);
            }
        }
        return Optional.empty();
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
