package dev.xidlab.driver;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Just enough of a PE32+ reader to check a driver image: headers, checksum, imports. Test code. */
final class PeImage {

    final byte[] bytes;
    final ByteBuffer b;
    final int peOffset;
    final int optional;

    PeImage(Path file) throws IOException {
        bytes = Files.readAllBytes(file);
        b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        peOffset = b.getInt(0x3C);
        optional = peOffset + 24;
    }

    int machine() {
        return b.getShort(peOffset + 4) & 0xFFFF;
    }

    int magic() {
        return b.getShort(optional) & 0xFFFF;
    }

    int subsystem() {
        return b.getShort(optional + 68) & 0xFFFF;
    }

    int dllCharacteristics() {
        return b.getShort(optional + 70) & 0xFFFF;
    }

    long storedChecksum() {
        return Integer.toUnsignedLong(b.getInt(optional + 64));
    }

    /** The PE checksum algorithm (ImageHlp's CheckSumMappedFile): 16-bit one's-complement-style sum plus length. */
    long computedChecksum() {
        long sum = 0;
        int checksumAt = optional + 64;
        for (int i = 0; i + 1 < bytes.length; i += 2) {
            if (i == checksumAt || i == checksumAt + 2) {
                continue;
            }
            sum += (bytes[i] & 0xFF) | ((bytes[i + 1] & 0xFF) << 8);
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        if ((bytes.length & 1) != 0) {
            sum += bytes[bytes.length - 1] & 0xFF;
            sum = (sum & 0xFFFF) + (sum >>> 16);
        }
        sum = (sum & 0xFFFF) + (sum >>> 16);
        return sum + bytes.length;
    }

    private int rvaToOffset(int rva) {
        int sections = b.getShort(peOffset + 6) & 0xFFFF;
        int table = optional + (b.getShort(peOffset + 20) & 0xFFFF);
        for (int i = 0; i < sections; i++) {
            int s = table + 40 * i;
            int va = b.getInt(s + 12);
            int size = Math.max(b.getInt(s + 8), b.getInt(s + 16));
            if (rva >= va && rva < va + size) {
                return rva - va + b.getInt(s + 20);
            }
        }
        throw new IllegalArgumentException("RVA 0x" + Integer.toHexString(rva) + " is in no section");
    }

    /** One section header: its name, where it is loaded (an address with the image base) and its flags. */
    record Section(String name, long start, long size, int characteristics) {

        static final int CODE = 0x20;
        static final int DISCARDABLE = 0x02000000;
        static final int EXECUTE = 0x20000000;

        boolean contains(long address) {
            return address >= start && address < start + size;
        }

        boolean has(int flag) {
            return (characteristics & flag) == flag;
        }
    }

    long imageBase() {
        return b.getLong(optional + 24);
    }

    List<Section> sections() {
        int sections = b.getShort(peOffset + 6) & 0xFFFF;
        int table = optional + (b.getShort(peOffset + 20) & 0xFFFF);
        List<Section> list = new ArrayList<>();
        for (int i = 0; i < sections; i++) {
            int s = table + 40 * i;
            list.add(new Section(new String(bytes, s, 8).replace("\0", ""),
                    imageBase() + Integer.toUnsignedLong(b.getInt(s + 12)), Integer.toUnsignedLong(b.getInt(s + 8)),
                    b.getInt(s + 36)));
        }
        return list;
    }

    Section section(String name) {
        return sections().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " section: " + sectionNames()));
    }

    List<String> sectionNames() {
        return sections().stream().map(Section::name).toList();
    }

    private String cString(int offset) {
        int end = offset;
        while (bytes[end] != 0) {
            end++;
        }
        return new String(bytes, offset, end - offset);
    }

    /** DLL name (upper case) to the functions imported from it. */
    Map<String, List<String>> imports() {
        Map<String, List<String>> imports = new LinkedHashMap<>();
        int dirRva = b.getInt(optional + 112 + 8);
        for (int d = rvaToOffset(dirRva); b.getInt(d + 12) != 0; d += 20) {
            String dll = cString(rvaToOffset(b.getInt(d + 12))).toUpperCase(java.util.Locale.ROOT);
            List<String> functions = new ArrayList<>();
            int thunkRva = b.getInt(d) != 0 ? b.getInt(d) : b.getInt(d + 16);
            for (int t = rvaToOffset(thunkRva); b.getLong(t) != 0; t += 8) {
                long entry = b.getLong(t);
                if (entry < 0) {
                    functions.add("#" + (entry & 0xFFFF));
                } else {
                    functions.add(cString(rvaToOffset((int) entry) + 2));
                }
            }
            imports.put(dll, functions);
        }
        return imports;
    }
}
