package dev.xidlab.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Reads one struct's bytes by field name after checking that they are that struct: exactly its size, and its
 * Size and Version fields as the header defines them. Every failure names the struct and the numbers.
 */
final class WireReader {

    private final StructLayout layout;
    private final ByteBuffer buffer;

    WireReader(StructLayout layout, byte[] bytes) {
        this.layout = layout;
        if (bytes == null) {
            throw new WireFormatException(layout.cName() + ": no bytes, expected " + layout.size());
        }
        if (bytes.length < layout.size()) {
            throw new WireFormatException(layout.cName() + ": short buffer of " + bytes.length
                    + " bytes, expected " + layout.size());
        }
        if (bytes.length > layout.size()) {
            throw new WireFormatException(layout.cName() + ": " + bytes.length + " bytes, expected "
                    + layout.size());
        }
        this.buffer = ByteBuffer.wrap(bytes.clone()).order(ByteOrder.LITTLE_ENDIAN);
        int size = u32("Size");
        if (size != layout.size()) {
            throw new WireFormatException(layout.cName() + ": Size field says " + Integer.toUnsignedString(size)
                    + ", expected " + layout.size());
        }
        int version = u32("Version");
        if (version != Wire.STRUCT_VERSION) {
            throw new WireFormatException(layout.cName() + ": Version " + Integer.toUnsignedString(version)
                    + ", expected " + Wire.STRUCT_VERSION + " (controller and driver speak different protocols)");
        }
    }

    int u32(String field) {
        return buffer.getInt(layout.offset(field));
    }

    int u32(String field, int index) {
        return buffer.getInt(layout.offset(field) + 4 * index);
    }

    long u64(String field) {
        return buffer.getLong(layout.offset(field));
    }

    byte[] nested(String field) {
        StructLayout.Field f = layout.field(field);
        return Arrays.copyOfRange(buffer.array(), f.offset(), f.offset() + f.size());
    }

    String where(String field) {
        return layout.cName() + "." + field;
    }
}
