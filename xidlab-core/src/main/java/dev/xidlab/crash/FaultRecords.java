package dev.xidlab.crash;

import dev.xidlab.dump.Bugcheck;
import dev.xidlab.dump.ContextRecords;
import dev.xidlab.dump.TrapFrame;
import dev.xidlab.unwind.Arm64Context;
import dev.xidlab.unwind.MemoryAbsentException;
import dev.xidlab.unwind.VirtualMemory;
import dev.xidlab.unwind.X64Context;
import java.util.Optional;

/**
 * Where a bugcheck's parameters name the registers at the fault, as Microsoft's bug check reference documents
 * them: the context record of 0x7E (parameter 4) and 0x3B (parameter 3), the trap frame of 0x8E (parameter 3),
 * 0x139 (parameter 2) and 0x7F (parameter 2, on 64-bit Windows 10 and later). A record is used only when the
 * dump captured it and it looks like one (CONTEXT_AMD64 / CONTEXT_ARM64 flags, a kernel or user code segment).
 */
final class FaultRecords {

    /** A pointer to the fault's registers in the bugcheck's parameters. */
    record Pointer(int parameter, long address, boolean trapFrame) {

        String describe() {
            return String.format("%s at 0x%016x, parameter %d", trapFrame ? "trap frame" : "context record",
                    address, parameter);
        }
    }

    private static final int CONTEXT_AMD64 = 0x00100000;
    private static final int CONTEXT_ARM64 = 0x00400000;
    /** KGDT64_R3_CODE | 3: a trap from user mode. */
    private static final int USER_CS = 0x33;

    private FaultRecords() {
    }

    static Optional<Pointer> pointer(Bugcheck b) {
        int code = (int) b.baseCode();
        return switch (code) {
            case 0x7E -> Optional.of(new Pointer(4, b.parameter(4), false));
            case 0x3B -> Optional.of(new Pointer(3, b.parameter(3), false));
            case 0x8E -> Optional.of(new Pointer(3, b.parameter(3), true));
            case 0x7F, 0x139 -> Optional.of(new Pointer(2, b.parameter(2), true));
            default -> Optional.empty();
        };
    }

    static Optional<X64Context> x64(Pointer p, VirtualMemory memory) {
        if (p.trapFrame()) {
            int segment;
            try {
                segment = memory.bytes(p.address() + TrapFrame.SEG_CS, 2).getShort(0) & 0xFFFF;
            } catch (MemoryAbsentException e) {
                return Optional.empty();
            }
            return segment == TrapFrame.KERNEL_CS || segment == USER_CS
                    ? ContextRecords.x64TrapFrame(memory, p.address()) : Optional.empty();
        }
        return flags(memory, p.address() + 0x30, CONTEXT_AMD64) ? ContextRecords.x64(memory, p.address())
                : Optional.empty();
    }

    static Optional<Arm64Context> arm64(Pointer p, VirtualMemory memory) {
        // An arm64 KTRAP_FRAME is laid out otherwise; only context records are read here.
        return !p.trapFrame() && flags(memory, p.address(), CONTEXT_ARM64) ? ContextRecords.arm64(memory, p.address())
                : Optional.empty();
    }

    private static boolean flags(VirtualMemory memory, long at, int machineFlag) {
        try {
            return (memory.bytes(at, 4).getInt(0) & machineFlag) == machineFlag;
        } catch (MemoryAbsentException e) {
            return false;
        }
    }
}
