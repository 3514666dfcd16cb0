package dev.xidlab.symbols;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;

/**
 * A PE file on disk seen as the loader lays it out: RVAs are translated through the section table to file
 * offsets, and the part of a section past its raw data reads as zeros, as it does in memory. The file is
 * memory-mapped, so an image costs no heap however often it is read.
 */
public final class PeFile implements ImageBytes {

    private record Section(long rva, long virtualSize, long rawOffset, long rawSize) {
    }

    private static final int MAX_SECTIONS = 96;

    private final String name;
    private final ByteBuffer file;
    private final long sizeOfImage;
    private final long sizeOfHeaders;
    private final List<Section> sections;

    private PeFile(String name, ByteBuffer file, long sizeOfImage, long sizeOfHeaders, List<Section> sections) {
        this.name = name;
        this.file = file;
        this.sizeOfImage = sizeOfImage;
        this.sizeOfHeaders = sizeOfHeaders;
        this.sections = sections;
    }

    public static PeFile open(Path path) throws PeFormatException {
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            if (channel.size() > Integer.MAX_VALUE) {
                throw new PeFormatException(path + ": " + channel.size() + " bytes is too large for an image");
            }
            MappedByteBuffer mapped = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
            return of(path.toString(), mapped);
        } catch (IOException e) {
            throw new PeFormatException(path + ": cannot read: " + e.getMessage());
        }
    }

    /** An image from bytes already in memory (tests, an image copied out of a dump). */
    public static PeFile of(String name, ByteBuffer bytes) throws PeFormatException {
        ByteBuffer b = bytes.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        if (b.limit() < 0x40 || (b.getShort(0) & 0xFFFF) != PeImage.MZ) {
            throw new PeFormatException(name + ": not a PE image (no MZ header)");
        }
        long peOffset = Integer.toUnsignedLong(b.getInt(0x3C));
        if (peOffset > b.limit() - 24 || b.getInt((int) peOffset) != PeImage.PE) {
            throw new PeFormatException(name + ": not a PE image (no PE signature)");
        }
        int optional = (int) peOffset + 24;
        int sectionCount = b.getShort((int) peOffset + 6) & 0xFFFF;
        int optionalSize = b.getShort((int) peOffset + 20) & 0xFFFF;
        if (sectionCount > MAX_SECTIONS) {
            throw new PeFormatException(name + ": " + sectionCount + " sections is absurd");
        }
        long table = optional + (long) optionalSize;
        if (table + 40L * sectionCount > b.limit() || optional + 0x40 > b.limit()) {
            throw new PeFormatException(name + ": the section table lies outside the file");
        }
        long sizeOfImage = Integer.toUnsignedLong(b.getInt(optional + 56));
        long sizeOfHeaders = Integer.toUnsignedLong(b.getInt(optional + 60));
        List<Section> sections = new ArrayList<>();
        for (int i = 0; i < sectionCount; i++) {
            int s = (int) table + 40 * i;
            sections.add(new Section(Integer.toUnsignedLong(b.getInt(s + 12)), Integer.toUnsignedLong(b.getInt(s + 8)),
                    Integer.toUnsignedLong(b.getInt(s + 20)), Integer.toUnsignedLong(b.getInt(s + 16))));
        }
        return new PeFile(name, b, sizeOfImage, Math.min(sizeOfHeaders, b.limit()), List.copyOf(sections));
    }

    public String name() {
        return name;
    }

    @Override
    public long size() {
        return sizeOfImage;
    }

    @Override
    public boolean read(long rva, byte[] dst, int offset, int length) {
        if (rva < 0 || length < 0 || rva + length > sizeOfImage) {
            return false;
        }
        int done = 0;
        while (done < length) {
            long at = rva + done;
            int n = copy(at, dst, offset + done, length - done);
            if (n <= 0) {
                return false;
            }
            done += n;
        }
        return true;
    }

    /** Where the byte at {@code rva} lies in the file; empty past a section's raw data (the file holds none). */
    public OptionalLong fileOffset(long rva) {
        if (rva >= 0 && rva < sizeOfHeaders) {
            return OptionalLong.of(rva);
        }
        for (Section s : sections) {
            if (rva >= s.rva() && rva < s.rva() + s.rawSize()) {
                return OptionalLong.of(s.rawOffset() + rva - s.rva());
            }
        }
        return OptionalLong.empty();
    }

    /** Copies what one region (the headers or one section) holds from {@code rva}; 0 when no region does. */
    private int copy(long rva, byte[] dst, int offset, int length) {
        if (rva < sizeOfHeaders) {
            int n = (int) Math.min(length, sizeOfHeaders - rva);
            file.get((int) rva, dst, offset, n);
            return n;
        }
        for (Section s : sections) {
            long extent = Math.max(s.virtualSize(), s.rawSize());
            if (rva >= s.rva() && rva < s.rva() + extent) {
                long within = rva - s.rva();
                int n = (int) Math.min(length, s.rva() + extent - rva);
                long rawAvailable = Math.max(0, Math.min(s.rawSize(), file.limit() - s.rawOffset()) - within);
                int fromFile = (int) Math.min(n, rawAvailable);
                if (fromFile > 0) {
                    file.get((int) (s.rawOffset() + within), dst, offset, fromFile);
                }
                Arrays.fill(dst, offset + fromFile, offset + n, (byte) 0);
                return n;
            }
        }
        return 0;
    }
}
