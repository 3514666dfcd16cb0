package dev.xidlab.unwind;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Walks an x64 kernel stack from a context: each frame is unwound with its module's .pdata/.xdata while the
 * module's image is at hand; where it is not (or the unwind data or the stack is missing), the chain stops
 * there with a note, and the rest of the captured stack above is scanned, each entry marked as scanned.
 */
public final class X64StackWalk {

    /** More frames than a 24 KiB kernel stack can hold is a loop in corrupt data. */
    static final int MAX_FRAMES = 512;

    private final CodeMap code;
    private final StackScan rest;
    private final X64Unwinder unwinder;
    private final FunctionTables<X64FunctionTable> tables = new FunctionTables<>(X64FunctionTable::new);

    /**
     * @param stackEnd where the thread's stack ends (its base, exclusive), as {@link StackScan} takes it
     */
    public X64StackWalk(CodeMap code, VirtualMemory memory, long stackEnd) {
        this.unwinder = new X64Unwinder(memory);
        this.code = code;
        this.rest = new StackScan(code, memory, stackEnd);
    }

    public CallStack walk(String origin, X64Context start) {
        List<Frame> frames = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        frames.add(code.frame(start.rip(), start.rsp(), FrameSource.CONTEXT));
        X64Context ctx = start;
        boolean returnAddress = false;
        boolean scanRest = true;
        while (true) {
            Optional<CodeModule> module = code.at(ctx.rip());
            if (module.isEmpty()) {
                if (returnAddress || frames.size() == 1) {
                    notes.add(String.format("the chain stops at 0x%016x: not in any loaded module", ctx.rip()));
                } else {
                    notes.add(String.format("the chain ends at 0x%016x, outside the kernel's modules (a trap from"
                            + " user mode)", ctx.rip()));
                    scanRest = false;
                }
                break;
            }
            CodeModule m = module.get();
            if (m.image().isEmpty()) {
                notes.add(String.format("the chain stops at %s+0x%x: no image of %s in the symbol path, the rest"
                        + " is scanned", m.name(), ctx.rip() - m.base(), m.name()));
                break;
            }
            X64Unwinder.Step step = unwinder.unwind(ctx, m.base(), tables.of(m, m.image().get()), returnAddress);
            if (step instanceof X64Unwinder.Step.Failed failed) {
                notes.add(String.format("the chain stops at %s+0x%x: %s", m.name(), ctx.rip() - m.base(),
                        failed.reason()));
                break;
            }
            X64Unwinder.Step.Unwound next = (X64Unwinder.Step.Unwound) step;
            X64Context caller = next.caller();
            if (caller.rip() == 0) {
                scanRest = false;     // the thread's first frame: nothing called it
                break;
            }
            if (Long.compareUnsigned(caller.rsp(), ctx.rsp()) <= 0 && !next.machineFrame()) {
                notes.add(String.format("the chain stops at %s+0x%x: unwinding did not move up the stack",
                        m.name(), ctx.rip() - m.base()));
                break;
            }
            if (frames.size() == MAX_FRAMES) {
                notes.add("the chain stops after " + MAX_FRAMES + " frames");
                scanRest = false;
                break;
            }
            frames.add(code.frame(caller.rip(), caller.rsp(), FrameSource.UNWOUND));
            ctx = caller;
            returnAddress = !next.machineFrame();
        }
        if (scanRest) {
            frames.addAll(rest.from(ctx.rsp(), MAX_FRAMES - frames.size()));
        }
        return new CallStack(origin, frames, notes);
    }
}
