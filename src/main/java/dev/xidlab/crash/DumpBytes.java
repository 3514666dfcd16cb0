package dev.xidlab.crash;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * Little-endian reads from a dump's bytes (a memory-mapped file or an array) where every offset is checked: a
 * value that points outside the file is a {@link DumpFormatException} naming the field, never an exception of
 * the buffer.
 */
final class DumpBytes {

    private final ByteBuffer buffer;
    private final long fileSize;
    private final String file;

    DumpBytes(ByteBuffer buffer, long fileSize, String file) {
        this.buffer = buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.fileSize = fileSize;
        this.file = file;
    }

    /** The whole file's buffer (position 0), for views such as captured memory that outlive the parse. */
    ByteBuffer buffer() {
        return buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** {@code length} bytes at {@code offset} as a little-endian buffer of their own (checked first). */
    ByteBuffer slice(long offset, int length) throws DumpFormatException {
        require(offset, length, "slice");
        return buffer.slice((int) offset, length).order(ByteOrder.LITTLE_ENDIAN);
    }

    long fileSize() {
        return fileSize;
    }

    String file() {
        return file;
    }

    void require(long offset, long length, String what) throws DumpFormatException {
        if (offset < 0 || length < 0 || offset > buffer.limit() || length > buffer.limit() - offset) {
            throw new DumpFormatException(String.format("%s: %s at 0x%X (0x%X bytes) lies outside the file (0x%X"
                    + " bytes)", file, what, offset, length, fileSize));
        }
    }

    int u32(long offset, String what) throws DumpFormatException {
        require(offset, 4, what);
        return buffer.getInt((int) offset);
    }

    long u64(long offset, String what) throws DumpFormatException {
        require(offset, 8, what);
        return buffer.getLong((int) offset);
    }

    /** A pointer-sized value: 8 bytes in a 64-bit dump, 4 (zero-extended) in a 32-bit one. */
    long pointer(long offset, boolean is64, String what) throws DumpFormatException {
        return is64 ? u64(offset, what) : Integer.toUnsignedLong(u32(offset, what));
    }

    String ascii(long offset, int length, String what) throws DumpFormatException {
        require(offset, length, what);
        byte[] bytes = new byte[length];
        buffer.get((int) offset, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    String utf16(long offset, int chars, String what) throws DumpFormatException {
        require(offset, 2L * chars, what);
        byte[] bytes = new byte[2 * chars];
        buffer.get((int) offset, bytes);
        return new String(bytes, StandardCharsets.UTF_16LE);
    }
}
