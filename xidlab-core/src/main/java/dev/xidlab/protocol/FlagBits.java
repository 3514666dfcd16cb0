package dev.xidlab.protocol;

import java.util.EnumSet;
import java.util.Set;

/** Sets of flag enums to and from the bit masks of the wire. */
final class FlagBits {

    private FlagBits() {
    }

    static <E extends Enum<E> & WireConstant> int toBits(Set<E> flags) {
        int bits = 0;
        for (E flag : flags) {
            bits |= flag.wireValue();
        }
        return bits;
    }

    static <E extends Enum<E> & WireConstant> EnumSet<E> fromBits(Class<E> type, int bits, String where) {
        EnumSet<E> flags = EnumSet.noneOf(type);
        int known = 0;
        for (E flag : type.getEnumConstants()) {
            known |= flag.wireValue();
            if ((bits & flag.wireValue()) != 0) {
                flags.add(flag);
            }
        }
        if ((bits & ~known) != 0) {
            throw new WireFormatException(where + ": unknown flag bits 0x" + Integer.toHexString(bits & ~known));
        }
        return flags;
    }

    static <E extends Enum<E> & WireConstant> E fromValue(Class<E> type, int value, String where) {
        for (E constant : type.getEnumConstants()) {
            if (constant.wireValue() == value) {
                return constant;
            }
        }
        throw new WireFormatException(where + ": unknown value " + Integer.toUnsignedString(value));
    }
}
