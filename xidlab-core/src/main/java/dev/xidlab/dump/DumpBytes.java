package dev.xidlab.dump;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * Little-endian reads from a dump's bytes (a memory-mapped file or an array) where every offset is checked: a
 * value that points outside the file is a {@link DumpFormatException} naming the field, never an exception of
 * the buffer. A file is mapped in 1 GiB windows, so a MEMORY.DMP of any size is addressable and only the pages
 * actually read are brought in.
 */
final class DumpBytes {

    private static final int WINDOW_SHIFT = 30;
    private static final long WINDOW = 1L << WINDOW_SHIFT;

    private final ByteBuffer[] windows;
    private final long fileSize;
    private final String file;

    DumpBytes(ByteBuffer buffer, long fileSize, String file) {
        this(new ByteBuffer[] {buffer.duplicate().order(ByteOrder.LITTLE_ENDIAN)}, fileSize, file);
    }

    private DumpBytes(ByteBuffer[] windows, long fileSize, String file) {
        this.windows = windows;
        this.fileSize = fileSize;
        this.file = file;
    }

    /** Maps the whole file read-only; mapping costs address space, not heap, and reads nothing yet. */
    static DumpBytes map(FileChannel channel, String file) throws IOException {
        long size = channel.size();
        int count = (int) Math.max(1, (size + WINDOW - 1) >>> WINDOW_SHIFT);
        ByteBuffer[] windows = new ByteBuffer[count];
        for (int i = 0; i < count; i++) {
            long start = (long) i << WINDOW_SHIFT;
            windows[i] = channel.map(FileChannel.MapMode.READ_ONLY, start, Math.min(WINDOW, size - start))
                    .order(ByteOrder.LITTLE_ENDIAN);
        }
        return new DumpBytes(windows, size, file);
    }

    long fileSize() {
        return fileSize;
    }

    String file() {
        return file;
    }

    /** The bytes this reader can reach: the file, or the part of it given as an array. */
    private long limit() {
        if (windows.length == 1) {
            return windows[0].limit();
        }
        return ((long) (windows.length - 1) << WINDOW_SHIFT) + windows[windows.length - 1].limit();
    }

    boolean contains(long offset, long length) {
        long limit = limit();
        return offset >= 0 && length >= 0 && offset <= limit && length <= limit - offset;
    }

    void require(long offset, long length, String what) throws DumpFormatException {
        if (!contains(offset, length)) {
            throw new DumpFormatException(String.format("%s: %s at 0x%X (0x%X bytes) lies outside the file (0x%X"
                    + " bytes)", file, what, offset, length, fileSize));
        }
    }

    int u32(long offset, String what) throws DumpFormatException {
        return (int) read(offset, 4, what);
    }

    long u64(long offset, String what) throws DumpFormatException {
        return read(offset, 8, what);
    }

    /** A header field, the header at the start of the file. */
    int u32(DumpLayout field) throws DumpFormatException {
        return u32(0, field);
    }

    long u64(DumpLayout field) throws DumpFormatException {
        return u64(0, field);
    }

    /** A field of the struct that starts at {@code base}, named as the layout names it. */
    int u32(long base, DumpLayout field) throws DumpFormatException {
        return u32(field.at(base), field.field);
    }

    long u64(long base, DumpLayout field) throws DumpFormatException {
        return u64(field.at(base), field.field);
    }

    /** A little-endian value of 4 or 8 bytes. */
    private long read(long offset, int width, String what) throws DumpFormatException {
        require(offset, width, what);
        ByteBuffer w = windows[(int) (offset >>> WINDOW_SHIFT)];
        int at = (int) (offset & (WINDOW - 1));
        if (at + width <= w.limit()) {
            return width == 4 ? w.getInt(at) : w.getLong(at);
        }
        return straddling(offset, width);
    }

    /** A value whose bytes lie in two windows, put together little-endian. */
    private long straddling(long offset, int width) {
        long value = 0;
        for (int i = width - 1; i >= 0; i--) {
            long o = offset + i;
            value = (value << 8) | (windows[(int) (o >>> WINDOW_SHIFT)].get((int) (o & (WINDOW - 1))) & 0xFF);
        }
        return value;
    }

    /** A pointer-sized value: 8 bytes in a 64-bit dump, 4 (zero-extended) in a 32-bit one. */
    long pointer(long offset, boolean is64, String what) throws DumpFormatException {
        return is64 ? u64(offset, what) : Integer.toUnsignedLong(u32(offset, what));
    }

    void read(long offset, byte[] into, int at, int length, String what) throws DumpFormatException {
        require(offset, length, what);
        int done = 0;
        while (done < length) {
            long o = offset + done;
            ByteBuffer w = windows[(int) (o >>> WINDOW_SHIFT)];
            int in = (int) (o & (WINDOW - 1));
            int n = Math.min(length - done, w.limit() - in);
            w.get(in, into, at + done, n);
            done += n;
        }
    }

    /** {@code length} bytes at {@code offset} as a little-endian buffer of their own (checked first). */
    ByteBuffer slice(long offset, int length, String what) throws DumpFormatException {
        byte[] bytes = new byte[length];
        read(offset, bytes, 0, length, what);
        return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    }

    String ascii(long offset, int length, String what) throws DumpFormatException {
        byte[] bytes = new byte[length];
        read(offset, bytes, 0, length, what);
        return new String(bytes, StandardCharsets.US_ASCII);
    }

    String utf16(long offset, int chars, String what) throws DumpFormatException {
        byte[] bytes = new byte[2 * chars];
        read(offset, bytes, 0, bytes.length, what);
        return new String(bytes, StandardCharsets.UTF_16LE);
    }
}
