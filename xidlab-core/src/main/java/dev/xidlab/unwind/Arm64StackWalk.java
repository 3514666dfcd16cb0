package dev.xidlab.unwind;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Walks an arm64 kernel stack by its frame-pointer chain: Windows arm64 code keeps x29 pointing at a frame
 * record {previous fp, lr}, so from the context's fp each record gives the caller's return address and the next
 * record. The innermost function may not have stored its record yet (a leaf, or a thread stopped in a prolog):
 * its caller is then the context's lr. Where the module's image is at hand, its .pdata says which it is;
 * without it, lr counts as the caller when it differs from the record's saved lr. A chain that leaves the
 * captured stack or points into no module stops with a note, and the rest is scanned.
 */
public final class Arm64StackWalk {

    private final CodeMap code;
    private final VirtualMemory memory;
    private final StackScan rest;
    private final FunctionTables<Arm64FunctionTable> tables = new FunctionTables<>(Arm64FunctionTable::new);

    /**
     * @param stackEnd where the thread's stack ends (its base, exclusive), as {@link StackScan} takes it
     */
    public Arm64StackWalk(CodeMap code, VirtualMemory memory, long stackEnd) {
        this.code = code;
        this.memory = memory;
        this.rest = new StackScan(code, memory, stackEnd);
    }

    public CallStack walk(String origin, Arm64Context start) {
        List<Frame> frames = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        long pc = strip(start.pc());
        frames.add(code.frame(pc, start.sp(), FrameSource.CONTEXT));
        long fp = start.fp();
        long sp = start.sp();
        long lr = strip(start.lr());
        if (callerIsLr(pc, fp, lr) && code.at(lr).isPresent()) {
            frames.add(code.frame(lr, sp, FrameSource.CONTEXT));
        }
        boolean scanRest = true;
        while (true) {
            if (fp == 0) {
                scanRest = false;
                break;
            }
            long previous;
            long saved;
            try {
                previous = memory.u64(fp);
                saved = memory.u64(fp + 8);
            } catch (MemoryAbsentException e) {
                notes.add(String.format("the frame chain leaves the captured stack at fp 0x%016x (%s)", fp,
                        e.getMessage()));
                break;
            }
            long ret = strip(saved);
            if (ret == 0) {
                scanRest = false;                       // the thread's first frame
                break;
            }
            if (code.at(ret).isEmpty()) {
                notes.add(String.format("the frame chain stops at fp 0x%016x: its return address 0x%016x is in no"
                        + " module", fp, ret));
                break;
            }
            if (frames.size() == X64StackWalk.MAX_FRAMES) {
                notes.add("the chain stops after " + X64StackWalk.MAX_FRAMES + " frames");
                scanRest = false;
                break;
            }
            sp = fp + 16;
            frames.add(code.frame(ret, sp, FrameSource.FP_CHAIN));
            long next = previous;
            if (next != 0 && Long.compareUnsigned(next, fp) <= 0) {
                notes.add(String.format("the frame chain stops at fp 0x%016x: the next record is not above it", fp));
                break;
            }
            fp = next;
        }
        if (scanRest) {
            frames.addAll(rest.from(sp, X64StackWalk.MAX_FRAMES - frames.size()));
        }
        return new CallStack(origin, frames, notes);
    }

    /** Whether the innermost function's return address is still only in lr. */
    private boolean callerIsLr(long pc, long fp, long lr) {
        Optional<CodeModule> module = code.at(pc);
        if (module.isPresent() && module.get().image().isPresent()) {
            CodeModule m = module.get();
            Optional<Arm64FunctionTable.Function> f = tables.of(m, m.image().get()).lookup(pc - m.base());
            if (f.isPresent()) {
                return !f.get().recordInPlace(pc - m.base());
            }
            return true;                                // no entry: a leaf function
        }
        try {
            return strip(memory.u64(fp + 8)) != lr;
        } catch (MemoryAbsentException e) {
            return true;
        }
    }

    /**
     * Drops pointer-authentication bits from a code address: kernel addresses have the top bits set, user
     * addresses clear, with a 48-bit virtual address space.
     */
    static long strip(long address) {
        return ((address >>> 55) & 1) != 0 ? address | 0xFFFF000000000000L : address & 0x0000FFFFFFFFFFFFL;
    }
}
