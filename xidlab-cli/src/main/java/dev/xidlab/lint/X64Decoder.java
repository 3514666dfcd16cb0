package dev.xidlab.lint;

/**
 * A small x64 (long mode) decoder: the length of every instruction, and what it does to the flow of control.
 * No maintained x86 decoder library is available to this build, so this one knows exactly what following calls
 * needs: the length of any general-purpose, x87, SSE, VEX or EVEX instruction (so a function can be walked one
 * instruction after another), and the control-flow forms themselves: {@code call rel32} (E8), {@code jmp rel32}
 * (E9) and {@code jmp rel8} (EB), conditional jumps, calls and jumps through RIP-relative memory (FF 15, FF 25, with
 * or without REX), indirect calls and jumps through a register or other memory, and the ends of a path (ret, int3,
 * ud2, hlt, int 0x29). Anything else it cannot place is {@link Flow.Unknown}, never a guess.
 */
public final class X64Decoder {

    /** The longest instruction the processor accepts. */
    static final int MAX_LENGTH = 15;

    /** One decoded instruction at {@code address}, {@code length} bytes long. */
    public record Instruction(long address, int length, Flow flow) {

        /** Where the next instruction starts. */
        public long next() {
            return address + length;
        }
    }

    /** What an instruction does to the flow of control. */
    public sealed interface Flow {

        /** Goes on to the next instruction. */
        record Plain() implements Flow {
        }

        /** A relative jump (E9, EB, Jcc, loop, jrcxz); a conditional one may also go on. */
        record Jump(long target, boolean conditional, boolean shortForm) implements Flow {
        }

        /** {@code call rel32}. */
        record Call(long target) implements Flow {
        }

        /** A call or jump through a pointer at a RIP-relative address: an import table slot, or not. */
        record ThroughMemory(long slot, boolean jump) implements Flow {
        }

        /** A call or jump through a register or memory whose address is computed at run time. */
        record Indirect(boolean jump, boolean register) implements Flow {
        }

        /** ret, retf, iret. */
        record Return() implements Flow {
        }

        /** An instruction after which the path ends: int3, ud2, hlt, int 0x29 (__fastfail). */
        record Halt() implements Flow {
        }

        /** Bytes this decoder cannot place; the path cannot be followed past them. */
        record Unknown(String why) implements Flow {
        }
    }

    private static final Flow PLAIN = new Flow.Plain();
    private static final Flow RETURN = new Flow.Return();
    private static final Flow HALT = new Flow.Halt();

    // One-byte map: what follows the opcode.
    private static final int MODRM = 1;
    private static final int IMM8 = 2;
    private static final int IMMZ = 4;        // 16 or 32 bits by operand size
    private static final int IMM16 = 8;
    private static final int INVALID = 16;
    private static final int[] ONE_BYTE = new int[256];
    private static final int[] TWO_BYTE = new int[256];

    static {
        for (int row = 0; row < 0x40; row += 8) {
            for (int i = 0; i < 4; i++) {
                ONE_BYTE[row + i] = MODRM;                      // ALU r/m forms
            }
            ONE_BYTE[row + 4] = IMM8;                           // ALU al, imm8
            ONE_BYTE[row + 5] = IMMZ;                           // ALU eax, imm32
            ONE_BYTE[row + 6] = INVALID;                        // push/pop seg, daa...: not in long mode
            ONE_BYTE[row + 7] = INVALID;
        }
        // 0F is the escape, 26 2E 36 3E are prefixes: both are handled before the table is read.
        follows(ONE_BYTE, INVALID, 0x60, 0x61, 0x82, 0x9A, 0xCE, 0xD4, 0xD5, 0xD6, 0xEA);
        follows(ONE_BYTE, MODRM, 0x63, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8B, 0x8C, 0x8D, 0x8E, 0x8F,
                0xD0, 0xD1, 0xD2, 0xD3, 0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF, 0xF6, 0xF7, 0xFE, 0xFF);
        follows(ONE_BYTE, IMM8, 0x6A, 0xA8, 0xB0, 0xB1, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xCD, 0xE4, 0xE5, 0xE6,
                0xE7);
        follows(ONE_BYTE, IMM16, 0xC2, 0xCA);
        follows(ONE_BYTE, IMMZ, 0x68, 0xA9);
        follows(ONE_BYTE, MODRM | IMM8, 0x6B, 0x80, 0x83, 0xC0, 0xC1, 0xC6);
        follows(ONE_BYTE, MODRM | IMMZ, 0x69, 0x81, 0xC7);

        for (int op = 0; op < 256; op++) {
            TWO_BYTE[op] = MODRM;
        }
        follows(TWO_BYTE, 0, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0B, 0x0E, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35,
                0x37, 0x77, 0xA0, 0xA1, 0xA2, 0xA8, 0xA9, 0xAA, 0xC8, 0xC9, 0xCA, 0xCB, 0xCC, 0xCD, 0xCE, 0xCF);
        follows(TWO_BYTE, INVALID, 0x04, 0x0A, 0x0C, 0x24, 0x25, 0x26, 0x27, 0x36, 0x39, 0x3B, 0x3C, 0x3D, 0x3E,
                0x3F, 0x7A, 0x7B, 0xA6, 0xA7);
        follows(TWO_BYTE, MODRM | IMM8, 0x0F, 0x70, 0x71, 0x72, 0x73, 0xA4, 0xAC, 0xBA, 0xC2, 0xC4, 0xC5, 0xC6);
    }

    /** Says what follows each of the opcodes: grouped by kind, each kind is one line to check against the manual. */
    private static void follows(int[] map, int operands, int... opcodes) {
        for (int op : opcodes) {
            map[op] = operands;
        }
    }

    private X64Decoder() {
    }

    /** Decodes the instruction at {@code code[offset]}, which is loaded at {@code address}. */
    public static Instruction decode(byte[] code, int offset, long address) {
        Cursor c = new Cursor(code, offset);
        try {
            Flow flow = decode(c, address);
            return new Instruction(address, c.at - offset, flow);
        } catch (Truncated e) {
            return new Instruction(address, 1, new Flow.Unknown(e.getMessage()));
        }
    }

    private static Flow decode(Cursor c, long address) {
        boolean operandSize = false;
        int rex = 0;
        int opcode;
        while (true) {
            opcode = c.next();
            if ((opcode & 0xF0) == 0x40) {
                rex = opcode;
            } else if (isLegacyPrefix(opcode)) {
                operandSize |= opcode == 0x66;
                rex = 0;                            // a REX prefix counts only right before the opcode
            } else {
                break;
            }
        }
        boolean wide = (rex & 0x08) != 0;
        int immz = operandSize ? 2 : 4;
        return switch (opcode) {
            case 0x0F -> twoByte(c, address, immz);
            case 0xC4, 0xC5 -> vex(c, opcode);
            case 0x62 -> evex(c);
            case 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x7B, 0x7C, 0x7D, 0x7E, 0x7F,
                    0xE0, 0xE1, 0xE2, 0xE3 -> new Flow.Jump(relative(c, address, 1), true, true);
            case 0xE8 -> new Flow.Call(relative(c, address, 4));
            case 0xE9 -> new Flow.Jump(relative(c, address, 4), false, false);
            case 0xEB -> new Flow.Jump(relative(c, address, 1), false, true);
            case 0xA0, 0xA1, 0xA2, 0xA3 -> {
                c.skip(8);                          // moffs64
                yield PLAIN;
            }
            case 0xB8, 0xB9, 0xBA, 0xBB, 0xBC, 0xBD, 0xBE, 0xBF -> {
                c.skip(wide ? 8 : immz);
                yield PLAIN;
            }
            case 0xC3, 0xCB, 0xCF -> RETURN;
            case 0xC2, 0xCA -> {
                c.skip(2);
                yield RETURN;
            }
            case 0xC8 -> {
                c.skip(3);                          // enter imm16, imm8
                yield PLAIN;
            }
            case 0xCC, 0xF4 -> HALT;
            case 0xCD -> c.next() == 0x29 ? HALT : PLAIN;
            case 0xF6, 0xF7 -> {
                int reg = c.peekReg();
                modrm(c, address);
                if (reg < 2) {
                    c.skip(opcode == 0xF6 ? 1 : immz);      // test r/m, imm
                }
                yield PLAIN;
            }
            case 0xFF -> indirect(c, address);
            case 0x8F -> {
                if (c.peekReg() != 0) {
                    yield new Flow.Unknown("an XOP instruction (8F with a nonzero reg field)");
                }
                modrm(c, address);
                yield PLAIN;
            }
            default -> table(c, address, ONE_BYTE[opcode], immz, "the one-byte opcode");
        };
    }

    private static Flow twoByte(Cursor c, long address, int immz) {
        int opcode = c.next();
        if (opcode >= 0x80 && opcode <= 0x8F) {
            return new Flow.Jump(relative(c, address, 4), true, false);
        }
        if (opcode == 0x0B) {
            return HALT;                            // ud2
        }
        if (opcode == 0x38) {
            c.next();
            modrm(c, address);
            return PLAIN;
        }
        if (opcode == 0x3A) {
            c.next();
            modrm(c, address);
            c.skip(1);
            return PLAIN;
        }
        return table(c, address, TWO_BYTE[opcode], immz, "the two-byte opcode 0F");
    }

    private static Flow table(Cursor c, long address, int form, int immz, String what) {
        if ((form & INVALID) != 0) {
            return new Flow.Unknown(what + " is not valid in long mode");
        }
        if ((form & MODRM) != 0) {
            modrm(c, address);
        }
        if ((form & IMM8) != 0) {
            c.skip(1);
        }
        if ((form & IMMZ) != 0) {
            c.skip(immz);
        }
        if ((form & IMM16) != 0) {
            c.skip(2);
        }
        return PLAIN;
    }

    /** VEX (C5: two bytes, map 0F; C4: three bytes, its map in the first). */
    private static Flow vex(Cursor c, int escape) {
        int map = 1;
        if (escape == 0xC5) {
            c.next();
        } else {
            map = c.next() & 0x1F;
            c.next();
        }
        int opcode = c.next();
        if (map == 1 && opcode == 0x77) {
            return PLAIN;                           // vzeroupper, vzeroall
        }
        if (map < 1 || map > 3) {
            return new Flow.Unknown("a VEX instruction of map " + map);
        }
        return vectorOperands(c, map, opcode);
    }

    /** EVEX (62 and three payload bytes, its map in the low bits of the first). */
    private static Flow evex(Cursor c) {
        int map = c.next() & 0x07;
        c.next();
        c.next();
        int opcode = c.next();
        if (map == 0 || map == 4 || map == 7) {
            return new Flow.Unknown("an EVEX instruction of map " + map);
        }
        return vectorOperands(c, map, opcode);
    }

    /** A VEX or EVEX instruction's ModRM operand, and its imm8 where the map and opcode have one. */
    private static Flow vectorOperands(Cursor c, int map, int opcode) {
        modrm(c, 0);
        if (map == 3 || (map == 1 && hasImm8InMap1(opcode))) {
            c.skip(1);
        }
        return PLAIN;
    }

    private static boolean isLegacyPrefix(int b) {
        return b == 0x66 || b == 0x67 || b == 0xF0 || b == 0xF2 || b == 0xF3 || b == 0x26 || b == 0x2E
                || b == 0x36 || b == 0x3E || b == 0x64 || b == 0x65;
    }

    private static boolean hasImm8InMap1(int opcode) {
        return (opcode >= 0x70 && opcode <= 0x73) || opcode == 0xC2 || opcode == 0xC4 || opcode == 0xC5
                || opcode == 0xC6;
    }

    /** FF: inc, dec, push, and the indirect calls and jumps. */
    private static Flow indirect(Cursor c, long address) {
        int modrm = c.peek();
        int reg = (modrm >>> 3) & 7;
        if (reg == 7) {
            return new Flow.Unknown("FF /7 is not an instruction");
        }
        long ripTarget = modrm(c, address);
        if (reg < 2 || reg == 6) {
            return PLAIN;                           // inc, dec, push
        }
        boolean jump = reg >= 4;
        if ((reg == 2 || reg == 4) && ripTarget != NOT_RIP) {
            return new Flow.ThroughMemory(ripTarget, jump);
        }
        return new Flow.Indirect(jump, (modrm >>> 6) == 3);
    }

    private static final long NOT_RIP = Long.MIN_VALUE;

    /**
     * Skips a ModRM byte with its SIB and displacement. Returns the RIP-relative address it names ([rip+disp32]),
     * which is relative to the end of the instruction: the caller's immediate, if any, is not read yet, so the
     * address is only right for instructions without one (the FF forms that use it have none).
     */
    private static long modrm(Cursor c, long address) {
        int modrm = c.next();
        int mod = modrm >>> 6;
        int rm = modrm & 7;
        if (mod == 3) {
            return NOT_RIP;
        }
        if (rm == 4) {
            int sib = c.next();
            if (mod == 0 && (sib & 7) == 5) {
                c.skip(4);
                return NOT_RIP;
            }
        }
        if (mod == 0 && rm == 5) {
            int disp = c.int32();
            return address + c.length() + disp;
        }
        c.skip(mod == 1 ? 1 : mod == 2 ? 4 : 0);
        return NOT_RIP;
    }

    private static long relative(Cursor c, long address, int size) {
        long displacement = size == 1 ? (byte) c.next() : c.int32();
        return address + c.length() + displacement;
    }

    /** Thrown when an instruction runs past the end of the bytes given, or past 15 bytes. */
    private static final class Truncated extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Truncated(String why) {
            super(why, null, false, false);
        }
    }

    /** The bytes of one instruction, read forward; never past its 15 bytes or the end of the code. */
    private static final class Cursor {
        private final byte[] code;
        private final int start;
        private int at;

        Cursor(byte[] code, int start) {
            this.code = code;
            this.start = start;
            this.at = start;
        }

        int length() {
            return at - start;
        }

        int next() {
            check(1);
            return code[at++] & 0xFF;
        }

        int peek() {
            check(1);
            return code[at] & 0xFF;
        }

        int peekReg() {
            return (peek() >>> 3) & 7;
        }

        int int32() {
            check(4);
            int v = (code[at] & 0xFF) | (code[at + 1] & 0xFF) << 8 | (code[at + 2] & 0xFF) << 16
                    | (code[at + 3] & 0xFF) << 24;
            at += 4;
            return v;
        }

        void skip(int n) {
            check(n);
            at += n;
        }

        private void check(int n) {
            if (at + n > code.length) {
                throw new Truncated("the code ends inside an instruction");
            }
            if (at + n - start > MAX_LENGTH) {
                throw new Truncated("longer than the 15 bytes an instruction may have");
            }
        }
    }
}
