package dev.xidlab.symbols;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the PE headers of a module image say that unwinding and symbol lookup need: the machine, the symbol
 * server key (TimeDateStamp and SizeOfImage), where the exception table (.pdata) and the export table lie, and
 * the CodeView (RSDS) record that names the PDB.
 *
 * @param exceptionTable RVA and size of IMAGE_DIRECTORY_ENTRY_EXCEPTION (0, 0 when absent)
 * @param directories every data directory the optional header has, by index
 */
public record PeImage(int machine, long timeDateStamp, long sizeOfImage, long imageBase, long exceptionTable,
                      long exceptionTableSize, long exportTable, long exportTableSize,
                      Optional<PdbKey> pdb, List<Section> sections, List<Directory> directories) {

    /** A section's RVA range and whether it holds code. */
    public record Section(String name, long rva, long size, boolean executable) {
    }

    /** A data directory: the RVA and size of one table (0, 0 when the image has none). */
    public record Directory(long rva, long size) {
    }

    public static final int DIRECTORY_IMPORT = 1;
    public static final int DIRECTORY_BASE_RELOCATION = 5;

    public PeImage {
        sections = List.copyOf(sections);
        directories = List.copyOf(directories);
    }

    /** Data directory {@code index}; (0, 0) when the header has fewer. */
    public Directory directory(int index) {
        return index < directories.size() ? directories.get(index) : new Directory(0, 0);
    }

    /** Whether the RVA lies in a section of code: a return address must. */
    public boolean executable(long rva) {
        for (Section s : sections) {
            if (rva >= s.rva() && rva < s.rva() + s.size()) {
                return s.executable();
            }
        }
        return false;
    }

    static final int MZ = 0x5A4D;
    static final int PE = 0x00004550;
    public static final int MACHINE_AMD64 = 0x8664;
    public static final int MACHINE_ARM64 = 0xAA64;
    public static final int MACHINE_I386 = 0x14C;

    private static final int PE32_PLUS = 0x20B;
    private static final int DEBUG_TYPE_CODEVIEW = 2;
    private static final int RSDS = 0x53445352;
    private static final int MAX_DEBUG_ENTRIES = 32;
    private static final int MAX_SECTIONS = 96;
    private static final int SCN_MEM_EXECUTE = 0x20000000;

    /** Reads the headers of an image; the image may be a file or a module's pages in a dump. */
    public static PeImage read(ImageBytes image, String name) throws PeFormatException {
        if (image.u16(0).orElse(-1) != MZ) {
            throw new PeFormatException(name + ": not a PE image (no MZ header)");
        }
        long nt = image.u32(0x3C).orElseThrow(() -> new PeFormatException(name + ": no e_lfanew"));
        if (image.u32(nt).orElse(0) != PE) {
            throw new PeFormatException(name + ": not a PE image (no PE signature at 0x" + Long.toHexString(nt) + ")");
        }
        ByteBuffer file = image.slice(nt + 4, 20).orElseThrow(() -> new PeFormatException(name
                + ": the file header lies outside the image"));
        int machine = file.getShort(0) & 0xFFFF;
        long stamp = Integer.toUnsignedLong(file.getInt(4));
        int optionalSize = file.getShort(16) & 0xFFFF;
        ByteBuffer opt = image.slice(nt + 24, optionalSize).orElseThrow(() -> new PeFormatException(name
                + ": the optional header lies outside the image"));
        boolean plus = optionalSize >= 2 && (opt.getShort(0) & 0xFFFF) == PE32_PLUS;
        int directories = plus ? 112 : 96;
        if (optionalSize < directories + 8 * 7) {
            throw new PeFormatException(name + ": optional header of " + optionalSize + " bytes is too short");
        }
        long imageBase = plus ? opt.getLong(24) : Integer.toUnsignedLong(opt.getInt(28));
        long sizeOfImage = Integer.toUnsignedLong(opt.getInt(56));
        long count = Integer.toUnsignedLong(opt.getInt(directories - 4));
        long exportRva = dir(opt, directories, count, 0, false);
        long exportSize = dir(opt, directories, count, 0, true);
        long exceptionRva = dir(opt, directories, count, 3, false);
        long exceptionSize = dir(opt, directories, count, 3, true);
        long debugRva = dir(opt, directories, count, 6, false);
        long debugSize = dir(opt, directories, count, 6, true);
        int sectionCount = Math.min(file.getShort(2) & 0xFFFF, MAX_SECTIONS);
        List<Section> sections = new ArrayList<>();
        for (int i = 0; i < sectionCount; i++) {
            Optional<ByteBuffer> h = image.slice(nt + 24 + optionalSize + 40L * i, 40);
            if (h.isEmpty()) {
                break;
            }
            byte[] raw = new byte[8];
            h.get().get(0, raw);
            sections.add(new Section(new String(raw, StandardCharsets.US_ASCII).replace("\0", ""),
                    Integer.toUnsignedLong(h.get().getInt(12)), Integer.toUnsignedLong(h.get().getInt(8)),
                    (h.get().getInt(36) & SCN_MEM_EXECUTE) != 0));
        }
        List<Directory> all = new ArrayList<>();
        for (int i = 0; i < Math.min(count, 16); i++) {
            all.add(new Directory(dir(opt, directories, count, i, false), dir(opt, directories, count, i, true)));
        }
        return new PeImage(machine, stamp, sizeOfImage, imageBase, exceptionRva, exceptionSize, exportRva,
                exportSize, codeView(image, debugRva, debugSize), sections, all);
    }

    private static long dir(ByteBuffer opt, int at, long count, int index, boolean size) {
        if (index >= count || at + 8 * index + 8 > opt.limit()) {
            return 0;
        }
        return Integer.toUnsignedLong(opt.getInt(at + 8 * index + (size ? 4 : 0)));
    }

    /** The RSDS CodeView record of the debug directory: the PDB's GUID, age and name. */
    private static Optional<PdbKey> codeView(ImageBytes image, long rva, long size) {
        for (long i = 0; i < Math.min(size / 28, MAX_DEBUG_ENTRIES); i++) {
            Optional<ByteBuffer> entry = image.slice(rva + 28 * i, 28);
            if (entry.isEmpty() || entry.get().getInt(12) != DEBUG_TYPE_CODEVIEW) {
                continue;
            }
            long dataSize = Integer.toUnsignedLong(entry.get().getInt(16));
            long dataRva = Integer.toUnsignedLong(entry.get().getInt(20));
            if (dataSize < 24 || dataSize > 4096) {
                continue;
            }
            Optional<ByteBuffer> data = image.slice(dataRva, (int) dataSize);
            if (data.isEmpty() || data.get().getInt(0) != RSDS) {
                continue;
            }
            ByteBuffer d = data.get();
            byte[] guid = new byte[16];
            d.get(4, guid);
            long age = Integer.toUnsignedLong(d.getInt(20));
            int end = 24;
            while (end < d.limit() && d.get(end) != 0) {
                end++;
            }
            byte[] path = new byte[end - 24];
            d.get(24, path);
            String pdbPath = new String(path, StandardCharsets.UTF_8);
            String pdbName = pdbPath.substring(Math.max(pdbPath.lastIndexOf('\\'), pdbPath.lastIndexOf('/')) + 1);
            return Optional.of(new PdbKey(pdbName, Guid.of(guid), age));
        }
        return Optional.empty();
    }

    /** The key a symbol server files this image under: %08X TimeDateStamp followed by %X SizeOfImage. */
    public String imageKey() {
        return imageKey(timeDateStamp, sizeOfImage);
    }

    public static String imageKey(long timeDateStamp, long sizeOfImage) {
        return String.format("%08X%X", timeDateStamp, sizeOfImage);
    }
}
