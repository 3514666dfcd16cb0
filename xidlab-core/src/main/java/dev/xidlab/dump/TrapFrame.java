package dev.xidlab.dump;

import dev.xidlab.unwind.VirtualMemory;

/**
 * The x64 KTRAP_FRAME a double fault left on the double-fault stack: where the thread was (Rip at 0x168, SegCs
 * at 0x170, Rsp at 0x180, Rbp at 0x158; the layout `dt nt!_KTRAP_FRAME` shows, 0x190 bytes, the same from
 * Windows 7 to 11), and how it was found.
 *
 * @param foundBy "parameter 2" or "the double-fault stack", for the report
 */
public record TrapFrame(long address, long rip, long rsp, long rbp, int segCs, String foundBy) {

    public static final int SIZE = 0x190;
    static final int RBP = 0x158;
    public static final int RIP = 0x168;
    public static final int SEG_CS = 0x170;
    public static final int RSP = 0x180;
    /** KGDT64_R0_CODE: the code segment of everything that runs in kernel mode on x64 Windows. */
    public static final int KERNEL_CS = 0x10;

    public static TrapFrame parse(long address, byte[] frame, int at, String foundBy) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(frame).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        return new TrapFrame(address, b.getLong(at + RIP), b.getLong(at + RSP), b.getLong(at + RBP),
                b.getShort(at + SEG_CS) & 0xFFFF, foundBy);
    }

    /** A frame a kernel-mode trap saved: kernel CS, and a kernel stack pointer. */
    public boolean plausible(long expectedRip) {
        return segCs == KERNEL_CS && VirtualMemory.isKernelAddress(rsp) && (expectedRip == 0 || rip == expectedRip);
    }
}
