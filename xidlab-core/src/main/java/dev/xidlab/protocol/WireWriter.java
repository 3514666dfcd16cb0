package dev.xidlab.protocol;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Fills one struct's bytes by field name, little-endian; Size and Version are set on creation. */
final class WireWriter {

    private final StructLayout layout;
    private final ByteBuffer buffer;

    WireWriter(StructLayout layout) {
        this.layout = layout;
        this.buffer = ByteBuffer.allocate(layout.size()).order(ByteOrder.LITTLE_ENDIAN);
        u32("Size", layout.size());
        u32("Version", Wire.STRUCT_VERSION);
    }

    WireWriter u32(String field, int value) {
        buffer.putInt(layout.offset(field), value);
        return this;
    }

    WireWriter u32(String field, int index, int value) {
        StructLayout.Field f = layout.field(field);
        if (index < 0 || 4 * index >= f.size()) {
            throw new IndexOutOfBoundsException(layout.cName() + "." + field + "[" + index + "]");
        }
        buffer.putInt(f.offset() + 4 * index, value);
        return this;
    }

    WireWriter u64(String field, long value) {
        buffer.putLong(layout.offset(field), value);
        return this;
    }

    WireWriter nested(String field, byte[] bytes) {
        StructLayout.Field f = layout.field(field);
        if (bytes.length != f.size()) {
            throw new IllegalArgumentException(layout.cName() + "." + field + " takes " + f.size() + " bytes");
        }
        buffer.put(f.offset(), bytes);
        return this;
    }

    byte[] bytes() {
        return buffer.array().clone();
    }
}
