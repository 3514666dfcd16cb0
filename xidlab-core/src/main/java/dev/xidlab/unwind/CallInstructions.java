package dev.xidlab.unwind;

/**
 * Whether the bytes before an address end with an x64 call, so the address can be a return address: {@code call
 * rel32} (E8), and the indirect forms {@code call r/m64} (FF /2) through a register, a register with a
 * displacement, or RIP-relative memory, with or without a REX prefix; and arm64's {@code bl}/{@code blr}.
 */
final class CallInstructions {

    private CallInstructions() {
    }

    /** {@code before} holds the 7 bytes ending just before the candidate return address. */
    static boolean endsWithCall(byte[] before) {
        int n = before.length;
        if ((before[n - 5] & 0xFF) == 0xE8) {
            return true;                                        // call rel32
        }
        // The kernel rewrites an import call, call [rip+__imp] (FF 15 disp32, 6 bytes), into call rel32 (5 bytes)
        // when it loads a driver: in memory the return address is one byte short of the file's instruction end.
        if ((before[n - 5] & 0xFF) == 0xFF && (before[n - 4] & 0xFF) == 0x15) {
            return true;
        }
        // FF /2 with its ModRM (and SIB / displacement) ending at the address: try each length.
        for (int length = 2; length <= 7; length++) {
            int op = n - length;
            if ((before[op] & 0xFF) == 0xFF && indirectCallLength(before, op + 1) == length - 1) {
                return true;
            }
        }
        return false;
    }

    /** {@code before} holds the 4 bytes of the instruction before the candidate: BL, BLR or BLRA*. */
    static boolean arm64Call(byte[] before) {
        int insn = (before[0] & 0xFF) | (before[1] & 0xFF) << 8 | (before[2] & 0xFF) << 16 | (before[3] & 0xFF) << 24;
        return (insn & 0xFC000000) == 0x94000000                // bl imm26
                || (insn & 0xFFFFFC1F) == 0xD63F0000            // blr xn
                || (insn & 0xFEFFF800) == 0xD63F0800;           // blraa, blrab, blraaz, blrabz
    }

    /** The length of the ModRM-addressed operand of FF at {@code modrmAt} when its reg field is 2 (call), else -1. */
    private static int indirectCallLength(byte[] b, int modrmAt) {
        int modrm = b[modrmAt] & 0xFF;
        if (((modrm >>> 3) & 7) != 2) {
            return -1;
        }
        int mod = modrm >>> 6;
        int rm = modrm & 7;
        int length = 1;
        if (mod != 3 && rm == 4) {
            if (modrmAt + 1 >= b.length) {
                return -1;
            }
            length += 1;                                        // SIB
            if (mod == 0 && (b[modrmAt + 1] & 7) == 5) {
                length += 4;
            }
        }
        if (mod == 0 && rm == 5) {
            length += 4;                                        // [rip+disp32]
        } else if (mod == 1) {
            length += 1;
        } else if (mod == 2) {
            length += 4;
        }
        return length;
    }
}
