package dev.xidlab.crash;

import dev.xidlab.dump.Bugcheck;
import dev.xidlab.dump.TrapFrame;
import dev.xidlab.unwind.MemoryAbsentException;
import dev.xidlab.unwind.VirtualMemory;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds the thread stack a double fault exhausted, without symbols.
 *
 * <p>What each step relies on:
 * <ol>
 * <li>On x64 the double fault (#DF, vector 8) is delivered on its own Interrupt Stack Table stack (the processor
 *     switches to TSS.IST[n] whatever RSP was: Intel SDM vol. 3, 6.14.5). Windows' handler, KiDoubleFaultAbort,
 *     builds a KTRAP_FRAME there around the frame the processor pushed (SS, RSP, RFLAGS, CS, RIP), and calls
 *     KeBugCheckEx(0x7F, 8, ...) through KiBugCheckDispatch. So the thread that bugchecks runs on the small
 *     double-fault stack, and the exhausted stack lies behind the trap frame's RSP: WinDbg users reach it with
 *     {@code .trap} on the frame {@code kv} shows as "TrapFrame @", then {@code kb 100}.</li>
 * <li>The parameters are not documented beyond parameter 1 (the trap number). Public WinDbg output of 0x7F_8 dumps
 *     shows two layouts. Windows 7 / 2008 R2: parameter 2 is CR0 (0x80050031/33), 3 is CR4 (0x6f8, 0x406f8), 4 the
 *     RIP that faulted (the frame above KiDoubleFaultAbort on the stack). Windows 8 and later: parameter 2 is the
 *     trap frame's address on the double-fault stack (it equals the "TrapFrame @" and the Child-SP of
 *     KiDoubleFaultAbort, e.g. ...e50 or ...e70), parameter 4 is again the RIP, and parameter 3 is a thread-stack
 *     address at or just below a page boundary, which fits the RSP at the fault; it is only cross-checked here.</li>
 * <li>So the trap frame is parameter 2 when a KTRAP_FRAME there has the kernel CS (0x10), a kernel RSP and the RIP
 *     of parameter 4; otherwise (Windows 7) it is the one on the double-fault stack, read from the context's RSP
 *     up, with that CS, a kernel RSP and RIP = parameter 4.</li>
 * <li>A kernel stack overflows downward into the guard page below its limit (an unmapped page: x64 kernel stacks
 *     are 0x6000 bytes, 0x18000 for large ones), so the faulting RSP is often inside that guard page: a few bytes to
 *     a page below the lowest page of the stack. The walk starts at the RSP, or at the page boundary above it when
 *     it lies in an absent page right below a present one, and goes up while pages are present. Windows keeps
 *     unmapped pages between kernel stacks, so the first absent page above is taken as the stack's base; a
 *     minidump holds only what it captured, so there the top is where its memory ends.</li>
 * </ol>
 */
final class DoubleFaultAnalyzer {

    /** The most a walk reads: a large kernel stack (0x18000) and the control area above it, with room. */
    static final int MAX_STACK_BYTES = 0x20000;
    /** How far above the context's RSP the double-fault stack is searched for the trap frame. */
    private static final int IST_SEARCH = 0x3000;

    record Result(Optional<OverflowedStack> stack, List<String> notes) {
    }

    private DoubleFaultAnalyzer() {
    }

    static Result analyze(Bugcheck bugcheck, VirtualMemory memory, long contextRsp, boolean minidump) {
        List<String> notes = new ArrayList<>();
        Optional<TrapFrame> frame = fromParameter(bugcheck, memory);
        if (frame.isEmpty()) {
            frame = onDoubleFaultStack(bugcheck, memory, contextRsp);
        }
        if (frame.isEmpty()) {
            notes.add(String.format("no trap frame: parameter 2 (0x%X) is not a readable KTRAP_FRAME with RIP ="
                    + " parameter 4, and none was found on the double-fault stack above RSP 0x%X in %s",
                    bugcheck.parameter(2), contextRsp, memory.describe()));
            return new Result(Optional.empty(), notes);
        }
        TrapFrame tf = frame.get();
        long p3 = bugcheck.parameter(3);
        if (VirtualMemory.isKernelAddress(p3) && p3 != tf.rsp()) {
            notes.add(String.format("parameter 3 (0x%X) is not the trap frame's RSP (0x%X)", p3, tf.rsp()));
        }
        return walk(tf, memory, minidump, notes);
    }

    private static Optional<TrapFrame> fromParameter(Bugcheck bugcheck, VirtualMemory memory) {
        long address = bugcheck.parameter(2);
        if (!VirtualMemory.isKernelAddress(address)) {
            return Optional.empty();
        }
        byte[] frame = new byte[TrapFrame.SIZE];
        try {
            memory.read(address, frame, 0, frame.length);
        } catch (MemoryAbsentException e) {
            return Optional.empty();
        }
        TrapFrame tf = TrapFrame.parse(address, frame, 0, "parameter 2");
        return tf.plausible(bugcheck.parameter(4)) ? Optional.of(tf) : Optional.empty();
    }

    private static Optional<TrapFrame> onDoubleFaultStack(Bugcheck bugcheck, VirtualMemory memory, long rsp) {
        long rip = bugcheck.parameter(4);
        if (rip == 0 || !VirtualMemory.isKernelAddress(rsp)) {
            return Optional.empty();
        }
        byte[] stack = readWhilePresent(memory, rsp & ~7L, IST_SEARCH);
        for (int at = 0; at + TrapFrame.SIZE <= stack.length; at += 8) {
            TrapFrame tf = TrapFrame.parse((rsp & ~7L) + at, stack, at, "the double-fault stack");
            if (tf.plausible(rip)) {
                return Optional.of(tf);
            }
        }
        return Optional.empty();
    }

    private static Result walk(TrapFrame tf, VirtualMemory memory, boolean minidump, List<String> notes) {
        long rsp = tf.rsp();
        long start = rsp;
        long intoGuard = 0;
        if (!memory.present(rsp)) {
            long above = VirtualMemory.pageOf(rsp) + VirtualMemory.PAGE_SIZE;
            if (memory.present(above)) {
                start = above;
                intoGuard = above - rsp;
            } else {
                notes.add(minidump
                        ? String.format("the overflowed stack is not in this minidump (the trap frame's RSP 0x%X"
                        + " was not captured): configure kernel memory dumps (CrashDumpEnabled 2 or 7) to keep"
                        + " it", rsp)
                        : "the overflowed stack is not in this dump: " + absence(memory, rsp));
                return new Result(Optional.empty(), notes);
            }
        }
        long limit = intoGuard > 0 ? start : lowestPresentPage(memory, start);
        byte[] bytes = readWhilePresent(memory, start, MAX_STACK_BYTES);
        long top = start + bytes.length;
        boolean baseFound = !minidump && bytes.length < MAX_STACK_BYTES;
        if (!minidump && !baseFound) {
            notes.add(String.format("the stack above 0x%X runs on past 0x%X bytes: its base was not found", start,
                    MAX_STACK_BYTES));
        }
        if (minidump) {
            notes.add(String.format("this minidump holds the overflowed stack from 0x%X to 0x%X only: its base is"
                    + " not in it", start, top));
        }
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        List<Long> values = new ArrayList<>(bytes.length / 8);
        for (int at = 0; at + 8 <= bytes.length; at += 8) {
            values.add(b.getLong(at));
        }
        return new Result(Optional.of(new OverflowedStack(tf, limit, top, baseFound, top - rsp, intoGuard, values,
                memory.describe())), notes);
    }

    /** The bytes from {@code start} up to the first absent byte, in whole 8-byte words, at most {@code max}. */
    private static byte[] readWhilePresent(VirtualMemory memory, long start, int max) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] chunk = new byte[VirtualMemory.PAGE_SIZE];
        long at = start;
        while (out.size() < max) {
            int n = (int) Math.min(max - out.size(), VirtualMemory.PAGE_SIZE - (at & 0xFFF));
            try {
                memory.read(at, chunk, 0, n);
            } catch (MemoryAbsentException e) {
                // The memory ends inside this piece (a captured region need not end on a page): keep the whole
                // words before that end.
                int got = (int) Math.min(n, Math.max(0, e.address() - at)) & ~7;
                if (got > 0) {
                    try {
                        memory.read(at, chunk, 0, got);
                        out.write(chunk, 0, got);
                    } catch (MemoryAbsentException stillAbsent) {
                        // the memory said its first absent byte was later: keep nothing of this piece
                    }
                }
                break;
            }
            out.write(chunk, 0, n);
            at += n;
            if (Long.compareUnsigned(at, start) < 0) {
                break;                  // wrapped at the top of the address space
            }
        }
        return out.toByteArray();
    }

    private static long lowestPresentPage(VirtualMemory memory, long address) {
        long page = VirtualMemory.pageOf(address);
        for (int i = 0; i < MAX_STACK_BYTES / VirtualMemory.PAGE_SIZE; i++) {
            long below = page - VirtualMemory.PAGE_SIZE;
            if (!memory.present(below)) {
                return page;
            }
            page = below;
        }
        return page;
    }

    private static String absence(VirtualMemory memory, long address) {
        try {
            memory.read(address, new byte[1], 0, 1);
            return String.format("0x%X", address);
        } catch (MemoryAbsentException e) {
            return e.getMessage();
        }
    }
}
