package dev.xidlab.unwind;

import java.util.Arrays;
import java.util.OptionalLong;

/**
 * The x64 integer registers a walk needs, numbered as the unwind codes number them (0 RAX, 1 RCX, 2 RDX, 3 RBX,
 * 4 RSP, 5 RBP, 6 RSI, 7 RDI, 8-15 R8-R15), plus RIP. A register the source did not record (a trap frame does
 * not save every nonvolatile register) is unknown, and a frame that needs it cannot be unwound.
 */
public final class X64Context {

    public static final int RSP = 4;
    public static final int RBP = 5;
    private static final String[] NAMES = {"rax", "rcx", "rdx", "rbx", "rsp", "rbp", "rsi", "rdi", "r8", "r9",
            "r10", "r11", "r12", "r13", "r14", "r15"};

    private final long[] gpr;
    private final int known;
    private final long rip;

    private X64Context(long[] gpr, int known, long rip) {
        this.gpr = gpr;
        this.known = known;
        this.rip = rip;
    }

    /** Only RIP and RSP known: where a walk starts from a bare return address. */
    public static X64Context of(long rip, long rsp) {
        long[] gpr = new long[16];
        gpr[RSP] = rsp;
        return new X64Context(gpr, 1 << RSP, rip);
    }

    /** All sixteen registers known, as a CONTEXT record holds them. */
    public static X64Context full(long[] registers, long rip) {
        if (registers.length != 16) {
            throw new IllegalArgumentException("x64 has 16 integer registers, not " + registers.length);
        }
        return new X64Context(registers.clone(), 0xFFFF, rip);
    }

    public long rip() {
        return rip;
    }

    public long rsp() {
        return gpr[RSP];
    }

    public OptionalLong get(int register) {
        return (known & (1 << register)) != 0 ? OptionalLong.of(gpr[register]) : OptionalLong.empty();
    }

    public X64Context with(int register, long value) {
        long[] g = gpr.clone();
        g[register] = value;
        return new X64Context(g, known | (1 << register), rip);
    }

    public X64Context withRip(long value) {
        return new X64Context(gpr, known, value);
    }

    public static String name(int register) {
        return NAMES[register];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof X64Context c && c.known == known && c.rip == rip && Arrays.equals(c.gpr, gpr);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(gpr) * 31 + Long.hashCode(rip);
    }

    @Override
    public String toString() {
        StringBuilder s = new StringBuilder("rip=0x" + Long.toHexString(rip));
        for (int r = 0; r < 16; r++) {
            if ((known & (1 << r)) != 0) {
                s.append(' ').append(NAMES[r]).append("=0x").append(Long.toHexString(gpr[r]));
            }
        }
        return s.toString();
    }
}
