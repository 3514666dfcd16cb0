package dev.xidlab.unwind;

import dev.xidlab.symbols.ImageBytes;
import java.nio.ByteBuffer;
import java.util.Optional;

/**
 * An x64 UNWIND_INFO as the ABI lays it out: version and flags, prolog size, the unwind code slots (two bytes
 * each, latest prolog instruction first), the frame register and its scaled offset, and for chained unwind
 * information the RUNTIME_FUNCTION of the parent.
 */
record X64UnwindInfo(int version, int flags, int sizeOfProlog, int frameRegister, int frameOffset, int[] slots,
                     Optional<RuntimeFunction> chained) {

    static final int UNW_FLAG_CHAININFO = 4;

    static final int PUSH_NONVOL = 0;
    static final int ALLOC_LARGE = 1;
    static final int ALLOC_SMALL = 2;
    static final int SET_FPREG = 3;
    static final int SAVE_NONVOL = 4;
    static final int SAVE_NONVOL_FAR = 5;
    /** Version 2 only: an epilog descriptor, not a prolog operation. */
    static final int EPILOG = 6;
    static final int SAVE_XMM128 = 8;
    static final int SAVE_XMM128_FAR = 9;
    static final int PUSH_MACHFRAME = 10;

    static Optional<X64UnwindInfo> read(ImageBytes image, long rva) {
        Optional<ByteBuffer> head = image.slice(rva, 4);
        if (head.isEmpty()) {
            return Optional.empty();
        }
        int b0 = head.get().get(0) & 0xFF;
        int count = head.get().get(2) & 0xFF;
        int b3 = head.get().get(3) & 0xFF;
        int version = b0 & 7;
        int flags = b0 >>> 3;
        Optional<ByteBuffer> codes = image.slice(rva + 4, 2 * count);
        if (codes.isEmpty() || version < 1 || version > 2) {
            return Optional.empty();
        }
        int[] slots = new int[count];
        for (int i = 0; i < count; i++) {
            slots[i] = codes.get().getShort(2 * i) & 0xFFFF;
        }
        Optional<RuntimeFunction> chained = Optional.empty();
        if ((flags & UNW_FLAG_CHAININFO) != 0) {
            long at = rva + 4 + 2L * (count + (count & 1));
            Optional<ByteBuffer> parent = image.slice(at, 12);
            if (parent.isEmpty()) {
                return Optional.empty();
            }
            chained = Optional.of(X64FunctionTable.decode(parent.get()));
        }
        X64UnwindInfo info = new X64UnwindInfo(version, flags, head.get().get(1) & 0xFF, b3 & 0xF, b3 >>> 4, slots,
                chained);
        return info.operandsFit() ? Optional.of(info) : Optional.empty();
    }

    /** Whether every operation's operand slots lie within the count the header gives: corrupt data otherwise. */
    private boolean operandsFit() {
        for (int i = 0; i < slots.length; i += width(i)) {
            if (i + width(i) > slots.length) {
                return false;
            }
        }
        return true;
    }

    static int codeOffset(int slot) {
        return slot & 0xFF;
    }

    static int op(int slot) {
        return (slot >>> 8) & 0xF;
    }

    static int opInfo(int slot) {
        return slot >>> 12;
    }

    /** How many slots the operation in {@code slots[i]} takes, its operands included. */
    int width(int i) {
        int slot = slots[i];
        return switch (op(slot)) {
            case ALLOC_LARGE -> opInfo(slot) == 0 ? 2 : 3;
            case SAVE_NONVOL, SAVE_XMM128, EPILOG -> 2;
            case SAVE_NONVOL_FAR, SAVE_XMM128_FAR -> 3;
            default -> 1;
        };
    }

    boolean chainedInfo() {
        return (flags & UNW_FLAG_CHAININFO) != 0;
    }
}
