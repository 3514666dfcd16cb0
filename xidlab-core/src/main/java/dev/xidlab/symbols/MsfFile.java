package dev.xidlab.symbols;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The MSF 7.0 container of a PDB: fixed-size blocks, a superblock naming the block that lists the stream
 * directory's blocks, and a directory of stream sizes and block lists. Streams are copied out of the mapped file
 * block by block when asked for.
 */
final class MsfFile {

    static final String MAGIC = "Microsoft C/C++ MSF 7.00\r\n\u001aDS\0\0\0";
    private static final long NIL_STREAM = 0xFFFFFFFFL;
    private static final int MAX_STREAMS = 1 << 20;

    private final String name;
    private final ByteBuffer file;
    private final int blockSize;
    private final ByteBuffer directory;
    private final int streams;
    private final int[] blockListStart;

    private MsfFile(String name, ByteBuffer file, int blockSize, ByteBuffer directory, int streams,
                    int[] blockListStart) {
        this.name = name;
        this.file = file;
        this.blockSize = blockSize;
        this.directory = directory;
        this.streams = streams;
        this.blockListStart = blockListStart;
    }

    static MsfFile open(Path path) throws PeFormatException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            if (channel.size() > Integer.MAX_VALUE) {
                throw new PeFormatException(path + ": " + channel.size() + " bytes is too large for a PDB");
            }
            return of(path.toString(), channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size()));
        } catch (IOException e) {
            throw new PeFormatException(path + ": cannot read: " + e.getMessage());
        }
    }

    static MsfFile of(String name, ByteBuffer bytes) throws PeFormatException {
        ByteBuffer file = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        byte[] magic = new byte[MAGIC.length()];
        if (file.limit() < 0x38) {
            throw new PeFormatException(name + ": not an MSF 7.0 PDB (too short)");
        }
        file.get(0, magic);
        if (!new String(magic, StandardCharsets.ISO_8859_1).equals(MAGIC)) {
            throw new PeFormatException(name + ": not an MSF 7.0 PDB (no 'Microsoft C/C++ MSF 7.00' header)");
        }
        int blockSize = file.getInt(0x20);
        long directoryBytes = Integer.toUnsignedLong(file.getInt(0x2C));
        long blockMap = Integer.toUnsignedLong(file.getInt(0x34));
        if (blockSize != 512 && blockSize != 1024 && blockSize != 2048 && blockSize != 4096) {
            throw new PeFormatException(name + ": MSF block size " + blockSize + " is not one MSF uses");
        }
        long directoryBlocks = (directoryBytes + blockSize - 1) / blockSize;
        if (directoryBytes > file.limit() || (blockMap + 1) * blockSize > file.limit()
                || directoryBlocks * 4 > blockSize) {
            throw new PeFormatException(name + ": the stream directory lies outside the file");
        }
        ByteBuffer directory = ByteBuffer.allocate((int) directoryBytes).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < directoryBlocks; i++) {
            long block = Integer.toUnsignedLong(file.getInt((int) (blockMap * blockSize + 4L * i)));
            copyBlock(name, file, blockSize, block, directory, i * blockSize,
                    (int) Math.min(blockSize, directoryBytes - (long) i * blockSize));
        }
        long streams = directoryBytes < 4 ? 0 : Integer.toUnsignedLong(directory.getInt(0));
        if (streams > MAX_STREAMS || 4 + 4 * streams > directoryBytes) {
            throw new PeFormatException(name + ": " + streams + " streams do not fit the stream directory");
        }
        int[] starts = new int[(int) streams];
        long at = 4 + 4 * streams;
        for (int s = 0; s < streams; s++) {
            starts[s] = (int) at;
            at += 4 * blocks(size(directory, s), blockSize);
            if (at > directoryBytes) {
                throw new PeFormatException(name + ": the block list of stream " + s + " runs past the directory");
            }
        }
        return new MsfFile(name, file, blockSize, directory, (int) streams, starts);
    }

    private static long size(ByteBuffer directory, int stream) {
        long size = Integer.toUnsignedLong(directory.getInt(4 + 4 * stream));
        return size == NIL_STREAM ? 0 : size;
    }

    private static long blocks(long size, int blockSize) {
        return (size + blockSize - 1) / blockSize;
    }

    private static void copyBlock(String name, ByteBuffer file, int blockSize, long block, ByteBuffer into, int at,
                                  int length) throws PeFormatException {
        if ((block + 1) * blockSize > file.limit()) {
            throw new PeFormatException(String.format("%s: block %d lies outside the file", name, block));
        }
        into.put(at, file, (int) (block * blockSize), length);
    }

    String name() {
        return name;
    }

    int streamCount() {
        return streams;
    }

    /** Stream {@code index} as one buffer; empty when there is no such stream. */
    Optional<ByteBuffer> stream(int index) throws PeFormatException {
        if (index < 0 || index >= streams) {
            return Optional.empty();
        }
        long size = size(directory, index);
        if (size > file.limit()) {
            throw new PeFormatException(name + ": stream " + index + " claims " + size + " bytes");
        }
        ByteBuffer out = ByteBuffer.allocate((int) size).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; (long) i * blockSize < size; i++) {
            long block = Integer.toUnsignedLong(directory.getInt(blockListStart[index] + 4 * i));
            copyBlock(name, file, blockSize, block, out, i * blockSize,
                    (int) Math.min(blockSize, size - (long) i * blockSize));
        }
        return Optional.of(out);
    }
}
