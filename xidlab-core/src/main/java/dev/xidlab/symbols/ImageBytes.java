package dev.xidlab.symbols;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * The bytes of one module's image as the loader laid it out, addressed by RVA: a PE file from a symbol store
 * read through its section table, or (for a kernel memory dump) the module's pages in the dump. Everything that
 * reads headers, unwind data or code goes through this, so it works the same on either source.
 */
public interface ImageBytes {

    /** SizeOfImage: every RVA read is below it. */
    long size();

    /**
     * Copies {@code length} bytes at {@code rva} into {@code dst} from {@code offset}; false when any of them is
     * not available (outside the image, or a page the source does not hold).
     */
    boolean read(long rva, byte[] dst, int offset, int length);

    default OptionalInt u8(long rva) {
        byte[] b = new byte[1];
        return read(rva, b, 0, 1) ? OptionalInt.of(b[0] & 0xFF) : OptionalInt.empty();
    }

    default OptionalInt u16(long rva) {
        byte[] b = new byte[2];
        return read(rva, b, 0, 2) ? OptionalInt.of(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getShort()
                & 0xFFFF) : OptionalInt.empty();
    }

    default OptionalLong u32(long rva) {
        byte[] b = new byte[4];
        return read(rva, b, 0, 4) ? OptionalLong.of(Integer.toUnsignedLong(ByteBuffer.wrap(b)
                .order(ByteOrder.LITTLE_ENDIAN).getInt())) : OptionalLong.empty();
    }

    /** {@code length} bytes at {@code rva} as a little-endian buffer, when all of them are available. */
    default Optional<ByteBuffer> slice(long rva, int length) {
        byte[] b = new byte[length];
        return read(rva, b, 0, length) ? Optional.of(ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN))
                : Optional.empty();
    }
}
