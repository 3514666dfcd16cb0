package dev.xidlab.lint;

import dev.xidlab.symbols.PeImage;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Finds a minifilter's constant FLT_REGISTRATION by its x64 shape: {@code USHORT Size} 0x70 and {@code USHORT
 * Version} 0x0203 at an 8-aligned address of a data section, every pointer in it null or a rebased address (a DIR64
 * base relocation applies to it) of the right kind (callbacks into code, the operation table into data), and an
 * operation table of 32-byte entries of known major functions and flags, with null or rebased code pointers, ending
 * at IRP_MJ_OPERATION_END. Data that merely happens to start with 70 00 03 02 fails the pointers.
 */
final class RegistrationFinder {

    static final int SIZE = 0x70;
    static final int VERSION = 0x0203;
    private static final int OPERATIONS_AT = 0x10;
    private static final int FIRST_CALLBACK_AT = 0x18;
    private static final int ENTRY = 0x20;
    /** More entries than fltKernel.h has major functions: not an operation table. */
    private static final int MAX_ENTRIES = 64;
    /** FLTFL_REGISTRATION_*: the bits a registration's own flags may have. */
    private static final long REGISTRATION_FLAGS = 0xF;

    private final DriverImage image;

    private RegistrationFinder(DriverImage image) {
        this.image = image;
    }

    static Registrations find(DriverImage image) {
        if (!image.importedNames().contains("FltRegisterFilter")) {
            return new Registrations.NotAMinifilter();
        }
        List<FilterRegistration> found = new RegistrationFinder(image).scan();
        return found.isEmpty() ? new Registrations.NotFoundStatically() : new Registrations.Found(found);
    }

    private List<FilterRegistration> scan() {
        List<FilterRegistration> found = new ArrayList<>();
        for (PeImage.Section section : image.sections()) {
            if (section.executable()) {
                continue;
            }
            ByteBuffer b = ByteBuffer.wrap(image.bytes(section)).order(ByteOrder.LITTLE_ENDIAN);
            for (int at = (int) (-section.rva() & 7); at + SIZE <= b.limit(); at += 8) {
                if ((b.getShort(at) & 0xFFFF) == SIZE && (b.getShort(at + 2) & 0xFFFF) == VERSION) {
                    registration(section, b, at).ifPresent(found::add);
                }
            }
        }
        return found;
    }

    private Optional<FilterRegistration> registration(PeImage.Section section, ByteBuffer b, int at) {
        long rva = section.rva() + at;
        long flags = Integer.toUnsignedLong(b.getInt(at + 4));
        if ((flags & ~REGISTRATION_FLAGS) != 0 || pointer(rva + 8, b.getLong(at + 8), false).isEmpty()) {
            return Optional.empty();
        }
        for (int field = FIRST_CALLBACK_AT; field < SIZE; field += 8) {
            if (pointer(rva + field, b.getLong(at + field), true).isEmpty()) {
                return Optional.empty();
            }
        }
        Optional<OptionalLong> operations = pointer(rva + OPERATIONS_AT, b.getLong(at + OPERATIONS_AT), false);
        if (operations.isEmpty()) {
            return Optional.empty();
        }
        List<FilterRegistration.Operation> entries = new ArrayList<>();
        if (operations.get().isPresent() && !operations(operations.get().getAsLong(), entries)) {
            return Optional.empty();
        }
        return Optional.of(new FilterRegistration(rva, section.name(), flags, operations.get().orElse(0), entries));
    }

    /** Reads the operation table at {@code rva} into {@code entries}; false when it is not one. */
    private boolean operations(long rva, List<FilterRegistration.Operation> entries) {
        for (int i = 0; i < MAX_ENTRIES; i++) {
            long entry = rva + (long) ENTRY * i;
            Optional<ByteBuffer> e = image.file().slice(entry, ENTRY);
            if (e.isEmpty()) {
                return false;
            }
            int major = e.get().get(0) & 0xFF;
            if (major == FilterRegistration.IRP_MJ_OPERATION_END) {
                return true;
            }
            long flags = Integer.toUnsignedLong(e.get().getInt(4));
            Optional<OptionalLong> pre = pointer(entry + 8, e.get().getLong(8), true);
            Optional<OptionalLong> post = pointer(entry + 16, e.get().getLong(16), true);
            if (!FilterRegistration.validMajor(major) || !FilterRegistration.validFlags(flags) || pre.isEmpty()
                    || post.isEmpty()) {
                return false;
            }
            entries.add(new FilterRegistration.Operation(major, flags, callback(pre.get()), callback(post.get())));
        }
        return false;
    }

    private Optional<FilterRegistration.Callback> callback(OptionalLong rva) {
        if (rva.isEmpty()) {
            return Optional.empty();
        }
        String section = image.sectionAt(rva.getAsLong()).map(PeImage.Section::name).orElse("?");
        return Optional.of(new FilterRegistration.Callback(rva.getAsLong(), section));
    }

    /**
     * A pointer field at {@code fieldRva} holding {@code value}: empty when it cannot be one (not null, not into
     * the image, not rebased, or into the wrong kind of section); else the RVA it points at, or none for null.
     */
    private Optional<OptionalLong> pointer(long fieldRva, long value, boolean code) {
        if (value == 0) {
            return Optional.of(OptionalLong.empty());
        }
        OptionalLong target = image.rvaOf(value);
        if (target.isEmpty() || (image.hasRelocations() && !image.relocated(fieldRva))) {
            return Optional.empty();
        }
        Optional<PeImage.Section> section = image.sectionAt(target.getAsLong());
        if (section.isEmpty() || section.get().executable() != code) {
            return Optional.empty();
        }
        return Optional.of(target);
    }
}
