package dev.xidlab.crash;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.dump.DumpBuilder;
import dev.xidlab.dump.KernelDumpBuilder;
import dev.xidlab.dump.TrapFrame;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The memory a double fault of the re-entry crash leaves, laid out as x64 Windows lays it: a 0x6000-byte thread
 * stack full of the recursion (its RSP 0xA0 bytes into the guard page below the limit), and the double-fault
 * stack with KiDoubleFaultAbort's KTRAP_FRAME (Rip, CS 0x10, Rsp) and the context of KeBugCheckEx above it.
 * Test code, independent of the kernel model's own writer.
 */
public final class OverflowScenario {

    static final long NT = CrashAnalyzerTest.NT;
    static final long FLTMGR = CrashAnalyzerTest.FLTMGR;
    static final long FILTER = CrashAnalyzerTest.FILTER;
    public static final long STACK_BASE = 0xffff850429898000L;
    public static final long STACK_LIMIT = STACK_BASE - 0x6000;
    public static final long RSP = STACK_LIMIT - 0xA0;
    public static final long RIP = NT + 0x2a8c30;                  // MmAccessFault's entry: the frame that did not fit
    public static final long IST_PAGE = 0xfffff8047e6a9000L;
    public static final long TRAP_FRAME = IST_PAGE + 0xE50;
    public static final long CONTEXT_RSP = TRAP_FRAME - 0x148;
    static final int TURN = 0x860;                          // one level of re-entry, as the model costs it

    private OverflowScenario() {
    }

    /** The thread stack from its limit to its base: a turn of the recursion every 0x860 bytes. */
    public static byte[] threadStack() {
        ByteBuffer b = ByteBuffer.allocate((int) (STACK_BASE - STACK_LIMIT)).order(ByteOrder.LITTLE_ENDIAN);
        for (int top = b.capacity(); top - TURN >= 0; top -= TURN) {
            int at = top - TURN;
            b.putLong(at + 0x188, NT + 0x40b900 + 0x43a);      // the page-fault trap
            b.putLong(at + 0x2F8, FILTER + 0x1913);             // the filter's lookup call
            b.putLong(at + 0x468, FILTER + 0x105c);             // its callback
            b.putLong(at + 0x5D8, FLTMGR + 0x3f38);             // the pre-callback worker
        }
        return b.array();
    }

    /** The double-fault stack's page: KeBugCheckEx's return into KiBugCheckDispatch, then the trap frame. */
    public static byte[] doubleFaultStackPage() {
        ByteBuffer b = ByteBuffer.allocate(0x1000).order(ByteOrder.LITTLE_ENDIAN);
        int frame = (int) (TRAP_FRAME - IST_PAGE);
        b.putLong((int) (CONTEXT_RSP - IST_PAGE), NT + 0x3d5929);  // KiBugCheckDispatch+0x69
        b.putLong(frame - 8, NT + 0x3d0783);                         // KiDoubleFaultAbort+0x2c3
        b.putLong(frame + TrapFrame.RIP, RIP);
        b.putShort(frame + TrapFrame.SEG_CS, (short) TrapFrame.KERNEL_CS);
        b.putLong(frame + TrapFrame.RSP, RSP);
        b.putShort(frame + 0x188, (short) 0x18);
        return b.array();
    }

    public static DumpBuilder.Module[] modules() {
        return new DumpBuilder.Module[] {
            new DumpBuilder.Module("\\SystemRoot\\system32\\ntoskrnl.exe", NT, 0x1046000),
            new DumpBuilder.Module("\\SystemRoot\\System32\\drivers\\FLTMGR.SYS", FLTMGR, 0x74000),
            new DumpBuilder.Module("\\SystemRoot\\System32\\drivers\\xidfilter.sys", FILTER, 0x9000)};
    }

    /** A kernel memory dump of that crash with the Windows 8+ parameters: 8, the trap frame, the RSP, the RIP. */
    public static KernelDumpBuilder kernelDump() {
        KernelDumpBuilder k = new KernelDumpBuilder()
                .bugcheck(0x1000007FL, 8, TRAP_FRAME, RSP, RIP)
                .context(NT + 0x3f5e40, CONTEXT_RSP)
                .modules(0xfffff8047c62a390L, 0xffffc08bdc100000L, modules());
        k.write(IST_PAGE, doubleFaultStackPage());
        k.write(STACK_LIMIT, threadStack());
        return k;
    }

    /** A dump without the overflowed stack's pages: no overflow is attributed, and a note says why. */
    public static void assertOverflowedStackMissing(CrashAnalysis a) {
        assertFalse(a.reentry());
        assertTrue(a.overflow().isEmpty());
        assertTrue(a.notes().stream().anyMatch(n -> n.startsWith("the overflowed stack is not in this dump")),
                a.notes().toString());
    }
}
