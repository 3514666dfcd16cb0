package dev.xidlab.dump;

import dev.xidlab.unwind.Arm64Context;
import dev.xidlab.unwind.MemoryAbsentException;
import dev.xidlab.unwind.VirtualMemory;
import dev.xidlab.unwind.X64Context;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Optional;

/**
 * Reads the register records a dump and its bugcheck parameters point at: the CONTEXT of each machine and the
 * x64 KTRAP_FRAME, at the offsets of the Windows SDK's winnt.h and the kernel's public symbols.
 */
public final class ContextRecords {

    /** sizeof(CONTEXT) per machine. */
    static final int X64_CONTEXT = 0x4D0;
    static final int ARM64_CONTEXT = 0x390;
    static final int X86_CONTEXT = 0x2CC;

    /** CONTEXT.Rax; the sixteen integer registers follow in unwind-code order, then Rip. */
    private static final int X64_RAX = 0x78;
    private static final int X64_RIP = 0xF8;
    private static final int ARM64_FP = 0xF0;

    private ContextRecords() {
    }

    static int size(Machine machine) {
        return switch (machine) {
            case X64 -> X64_CONTEXT;
            case ARM64 -> ARM64_CONTEXT;
            case X86 -> X86_CONTEXT;
        };
    }

    /** An x64 CONTEXT: Rax..R15 from 0x78 in unwind-code order, Rip at 0xF8. */
    public static X64Context x64(ByteBuffer context) {
        ByteBuffer c = context.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long[] gpr = new long[16];
        for (int r = 0; r < 16; r++) {
            gpr[r] = c.getLong(X64_RAX + 8 * r);
        }
        return X64Context.full(gpr, c.getLong(X64_RIP));
    }

    /** An x64 CONTEXT in captured memory (the record 0x7E's parameter 4 and 0x3B's parameter 3 point at). */
    public static Optional<X64Context> x64(VirtualMemory memory, long address) {
        return bytes(memory, address, X64_CONTEXT).map(ContextRecords::x64);
    }

    /**
     * An x64 KTRAP_FRAME: the volatile registers, Rbx/Rdi/Rsi/Rbp (saved only on some paths, so kept as read), and
     * the machine frame the processor pushed (see {@link TrapFrame}). R12-R15 are not in a trap frame.
     */
    public static Optional<X64Context> x64TrapFrame(VirtualMemory memory, long address) {
        return bytes(memory, address, TrapFrame.SIZE).map(t -> {
            X64Context c = X64Context.of(t.getLong(TrapFrame.RIP), t.getLong(TrapFrame.RSP));
            int[][] saved = {{0, 0x30}, {1, 0x38}, {2, 0x40}, {8, 0x48}, {9, 0x50}, {10, 0x58}, {11, 0x60},
                    {3, 0x140}, {7, 0x148}, {6, 0x150}, {5, TrapFrame.RBP}};
            for (int[] s : saved) {
                c = c.with(s[0], t.getLong(s[1]));
            }
            return c;
        });
    }

    /** An arm64 CONTEXT: X0..X28 from 8, Fp at 0xF0, Lr 0xF8, Sp 0x100, Pc 0x108. */
    public static Arm64Context arm64(ByteBuffer context) {
        ByteBuffer c = context.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        return new Arm64Context(c.getLong(ARM64_FP + 0x18), c.getLong(ARM64_FP + 0x10), c.getLong(ARM64_FP),
                c.getLong(ARM64_FP + 8));
    }

    public static Optional<Arm64Context> arm64(VirtualMemory memory, long address) {
        return bytes(memory, address, ARM64_CONTEXT).map(ContextRecords::arm64);
    }

    private static Optional<ByteBuffer> bytes(VirtualMemory memory, long address, int size) {
        try {
            return Optional.of(memory.bytes(address, size));
        } catch (MemoryAbsentException e) {
            return Optional.empty();
        }
    }
}
