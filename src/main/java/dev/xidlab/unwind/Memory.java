package dev.xidlab.unwind;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.OptionalLong;

/**
 * The target's virtual memory as far as a dump captured it: a triage dump's stack and data blocks, or a kernel
 * dump's pages. Reads of anything not captured say so instead of inventing bytes.
 */
public interface Memory {

    /** Copies {@code length} bytes at {@code address}; false when any of them was not captured. */
    boolean read(long address, byte[] dst, int offset, int length);

    default OptionalLong u64(long address) {
        byte[] b = new byte[8];
        return read(address, b, 0, 8)
                ? OptionalLong.of(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong())
                : OptionalLong.empty();
    }

    /** Nothing captured at all. */
    Memory NONE = (address, dst, offset, length) -> false;
}
