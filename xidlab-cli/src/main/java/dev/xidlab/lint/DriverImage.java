package dev.xidlab.lint;

import dev.xidlab.symbols.PeFile;
import dev.xidlab.symbols.PeFormatException;
import dev.xidlab.symbols.PeImage;
import dev.xidlab.unwind.X64FunctionTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * An x64 driver image as the lint reads it: the project's PE reader ({@link PeFile}, {@link PeImage}) and .pdata
 * table ({@link X64FunctionTable}), plus what only the lint needs: the import table's slots by address, the base
 * relocations, and each section's bytes for decoding.
 */
final class DriverImage {

    /** IMAGE_REL_BASED_DIR64: a 64-bit address the loader adds its delta to. */
    private static final int REL_BASED_DIR64 = 10;
    private static final int MAX_IMPORTS = 1 << 16;

    private final String name;
    private final PeFile file;
    private final PeImage headers;
    private final X64FunctionTable functions;
    private final Map<Long, Import> importSlots;
    private final long[] relocations;
    private final Map<PeImage.Section, byte[]> sectionBytes = new HashMap<>();

    /** One imported routine: its DLL (as the image names it) and its name, or #ordinal. */
    record Import(String dll, String name) {

        @Override
        public String toString() {
            return dll + "!" + name;
        }
    }

    private DriverImage(String name, PeFile file, PeImage headers) {
        this.name = name;
        this.file = file;
        this.headers = headers;
        this.functions = new X64FunctionTable(file, headers);
        this.importSlots = readImports();
        this.relocations = readRelocations();
    }

    /**
     * Opens an image the lint can read, or says in one line why not: no such file, not a PE image, or a PE for
     * another machine. Nothing past the headers is read before the answer.
     */
    static DriverImage open(Path path) throws LintInputException {
        if (!Files.isRegularFile(path)) {
            throw new LintInputException(path + ": no such file");
        }
        try {
            PeFile file = PeFile.open(path);
            PeImage headers = PeImage.read(file, path.toString());
            if (headers.machine() != PeImage.MACHINE_AMD64) {
                throw new LintInputException(String.format("%s: a PE image for %s (machine 0x%04x), not x64", path,
                        machineName(headers.machine()), headers.machine()));
            }
            return new DriverImage(path.toString(), file, headers);
        } catch (PeFormatException e) {
            throw new LintInputException(e.getMessage());
        }
    }

    private static String machineName(int machine) {
        return switch (machine) {
            case PeImage.MACHINE_I386 -> "i386";
            case PeImage.MACHINE_ARM64 -> "arm64";
            case 0x01C4 -> "arm (Thumb-2)";
            case 0x0200 -> "Itanium";
            default -> "another machine";
        };
    }

    String name() {
        return name;
    }

    long imageBase() {
        return headers.imageBase();
    }

    PeFile file() {
        return file;
    }

    X64FunctionTable functions() {
        return functions;
    }

    List<PeImage.Section> sections() {
        return headers.sections();
    }

    Optional<PeImage.Section> sectionAt(long rva) {
        return headers.sections().stream().filter(s -> rva >= s.rva() && rva < s.rva() + s.size()).findFirst();
    }

    /** The section's bytes as loaded (read once). */
    byte[] bytes(PeImage.Section section) {
        return sectionBytes.computeIfAbsent(section, s -> {
            byte[] b = new byte[(int) s.size()];
            if (!file.read(s.rva(), b, 0, b.length)) {
                Arrays.fill(b, (byte) 0);
            }
            return b;
        });
    }

    /** The routine imported through the slot at {@code rva}, if it is one of the import table's. */
    Optional<Import> importAt(long rva) {
        return Optional.ofNullable(importSlots.get(rva));
    }

    /** Every routine the image imports, by name. */
    Set<String> importedNames() {
        Set<String> names = new LinkedHashSet<>();
        importSlots.values().forEach(i -> names.add(i.name()));
        return names;
    }

    boolean hasRelocations() {
        return relocations.length > 0;
    }

    /** Whether a DIR64 base relocation applies to the 8 bytes at {@code rva}: a pointer the loader rebases. */
    boolean relocated(long rva) {
        return Arrays.binarySearch(relocations, rva) >= 0;
    }

    OptionalLong u64(long rva) {
        return file.slice(rva, 8).map(b -> OptionalLong.of(b.getLong(0))).orElse(OptionalLong.empty());
    }

    /** An address in the image (VA) as an RVA, when it lies inside the image. */
    OptionalLong rvaOf(long va) {
        long rva = va - headers.imageBase();
        return rva >= 0 && rva < headers.sizeOfImage() ? OptionalLong.of(rva) : OptionalLong.empty();
    }

    /** The import descriptors' IAT slots (FirstThunk), named from the lookup table (OriginalFirstThunk). */
    private Map<Long, Import> readImports() {
        Map<Long, Import> slots = new HashMap<>();
        PeImage.Directory dir = headers.directory(PeImage.DIRECTORY_IMPORT);
        if (dir.rva() == 0) {
            return slots;
        }
        for (long d = dir.rva(); slots.size() < MAX_IMPORTS; d += 20) {
            var descriptor = file.slice(d, 20);
            if (descriptor.isEmpty() || descriptor.get().getInt(12) == 0) {
                break;
            }
            long lookup = Integer.toUnsignedLong(descriptor.get().getInt(0));
            long iat = Integer.toUnsignedLong(descriptor.get().getInt(16));
            String dll = cString(Integer.toUnsignedLong(descriptor.get().getInt(12)));
            long names = lookup != 0 ? lookup : iat;
            for (int i = 0; slots.size() < MAX_IMPORTS; i++) {
                OptionalLong entry = u64(names + 8L * i);
                if (entry.isEmpty() || entry.getAsLong() == 0) {
                    break;
                }
                long e = entry.getAsLong();
                String routine = e < 0 ? "#" + (e & 0xFFFF) : cString((e & 0x7FFFFFFFL) + 2);
                slots.put(iat + 8L * i, new Import(dll, routine));
            }
        }
        return slots;
    }

    /** The RVAs of every DIR64 base relocation, sorted. */
    private long[] readRelocations() {
        PeImage.Directory dir = headers.directory(PeImage.DIRECTORY_BASE_RELOCATION);
        long[] found = new long[16];
        int n = 0;
        long at = dir.rva();
        long end = dir.rva() + dir.size();
        while (dir.rva() != 0 && at + 8 <= end) {
            var block = file.slice(at, 8);
            if (block.isEmpty()) {
                break;
            }
            long page = Integer.toUnsignedLong(block.get().getInt(0));
            long size = Integer.toUnsignedLong(block.get().getInt(4));
            if (size < 8 || at + size > end) {
                break;
            }
            var entries = file.slice(at + 8, (int) size - 8);
            for (int i = 0; entries.isPresent() && i + 2 <= size - 8; i += 2) {
                int entry = entries.get().getShort(i) & 0xFFFF;
                if (entry >>> 12 == REL_BASED_DIR64) {
                    if (n == found.length) {
                        found = Arrays.copyOf(found, n * 2);
                    }
                    found[n++] = page + (entry & 0xFFF);
                }
            }
            at += size;
        }
        long[] sorted = Arrays.copyOf(found, n);
        Arrays.sort(sorted);
        return sorted;
    }

    private String cString(long rva) {
        StringBuilder s = new StringBuilder();
        byte[] b = new byte[1];
        for (long at = rva; s.length() < 512 && file.read(at, b, 0, 1) && b[0] != 0; at++) {
            s.append((char) (b[0] & 0xFF));
        }
        return s.toString();
    }
}
