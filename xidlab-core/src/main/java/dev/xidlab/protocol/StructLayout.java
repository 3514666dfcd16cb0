package dev.xidlab.protocol;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The byte layout of one wire-contract struct, field by field, exactly as declared in
 * {@code driver/include/xidfilter_ioctl.h}. The codec writes and reads through it, and the ABI test compares
 * every field of it with what a C compiler says of the header, so the two cannot drift apart silently.
 */
public final class StructLayout {

    /** One field: a scalar (size 4 or 8), an array of scalars, or a nested struct. */
    public record Field(String name, int offset, int size) {
    }

    private final String cName;
    private final Map<String, Field> fields;
    private final int size;

    private StructLayout(String cName, Map<String, Field> fields, int size) {
        this.cName = cName;
        this.fields = Collections.unmodifiableMap(fields);
        this.size = size;
    }

    public static Builder struct(String cName) {
        return new Builder(cName);
    }

    /** The C typedef name, e.g. {@code XF_CONFIG}: what error messages and the ABI test name. */
    public String cName() {
        return cName;
    }

    public int size() {
        return size;
    }

    public Map<String, Field> fields() {
        return fields;
    }

    public Field field(String name) {
        Field field = fields.get(name);
        if (field == null) {
            throw new IllegalArgumentException(cName + " has no field " + name);
        }
        return field;
    }

    public int offset(String name) {
        return field(name).offset();
    }

    /**
     * Lays fields out in declaration order. It refuses a field that would need compiler padding: the header's
     * rule is explicit Reserved fields instead, so MSVC, gcc and mingw agree on every offset.
     */
    public static final class Builder {
        private final String cName;
        private final Map<String, Field> fields = new LinkedHashMap<>();
        private int offset;

        private Builder(String cName) {
            this.cName = cName;
        }

        public Builder u32(String name) {
            return add(name, 4, 4);
        }

        public Builder u64(String name) {
            return add(name, 8, 8);
        }

        public Builder u32Array(String name, int count) {
            return add(name, 4 * count, 4);
        }

        public Builder nested(String name, StructLayout layout) {
            return add(name, layout.size(), 8);
        }

        private Builder add(String name, int size, int alignment) {
            if (offset % alignment != 0) {
                throw new IllegalStateException(cName + "." + name + " at offset " + offset
                        + " would need padding to " + alignment + " bytes");
            }
            if (fields.putIfAbsent(name, new Field(name, offset, size)) != null) {
                throw new IllegalStateException(cName + "." + name + " declared twice");
            }
            offset += size;
            return this;
        }

        public StructLayout build() {
            if (offset % 8 != 0) {
                throw new IllegalStateException(cName + " ends at " + offset + ", not on an 8-byte boundary");
            }
            return new StructLayout(cName, new LinkedHashMap<>(fields), offset);
        }
    }
}
