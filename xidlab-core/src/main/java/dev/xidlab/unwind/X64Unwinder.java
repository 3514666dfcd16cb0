package dev.xidlab.unwind;

import dev.xidlab.symbols.ImageBytes;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One step of x64 virtual unwinding, as the x64 ABI's exception handling documentation describes it: find the
 * function's RUNTIME_FUNCTION in the image's .pdata, and either emulate the rest of the epilog the instruction
 * pointer stopped in, or undo the prolog operations that had run (PUSH_NONVOL, ALLOC_SMALL/LARGE, SET_FPREG,
 * SAVE_NONVOL(_FAR), SAVE_XMM128(_FAR), PUSH_MACHFRAME) through any chained unwind information; then pop the
 * return address unless a machine frame gave the caller's RIP and RSP. A function without an entry is a leaf:
 * its return address is at RSP.
 */
public final class X64Unwinder {

    /** Chained unwind information deeper than this is a loop in a corrupt image, not code. */
    private static final int MAX_CHAIN = 32;
    private static final int EPILOG_WINDOW = 48;

    /** What one step gives. */
    public sealed interface Step {

        /** The caller's context; {@code machineFrame} when it came from an interrupt or trap frame. */
        record Unwound(X64Context caller, boolean machineFrame, boolean epilog) implements Step {
        }

        /** The frame could not be unwound; the reason is one line for a person. */
        record Failed(String reason) implements Step {
        }
    }

    private final VirtualMemory stack;

    public X64Unwinder(VirtualMemory stack) {
        this.stack = stack;
    }

    /**
     * Unwinds the frame whose instruction pointer lies in the image at {@code base}.
     *
     * @param returnAddress the instruction pointer is a return address (a caller's frame), not where a thread
     *                      stopped: its function is the one holding the call, the byte before it
     */
    public Step unwind(X64Context ctx, long base, X64FunctionTable table, boolean returnAddress) {
        long rva = ctx.rip() - base;
        X64FunctionTable.Lookup found = table.lookup(returnAddress ? rva - 1 : rva);
        if (found instanceof X64FunctionTable.Lookup.Unreadable u) {
            return new Step.Failed(String.format("the function table entry at +0x%x is not readable (its .pdata page"
                    + " is not in the image's source)", u.rva()));
        }
        if (found instanceof X64FunctionTable.Lookup.Leaf) {
            return popReturn(ctx, false, false);
        }
        RuntimeFunction function = ((X64FunctionTable.Lookup.Found) found).function();
        ImageBytes image = table.image();
        Optional<X64UnwindInfo> info = X64UnwindInfo.read(image, function.unwindInfo());
        if (info.isEmpty()) {
            return new Step.Failed(String.format("unwind information of the function at +0x%x is not readable (or"
                    + " its codes overrun their count)", function.begin()));
        }
        long offset = rva - function.begin();
        X64UnwindInfo primary = info.get();
        OptionalLong frame = establisherFrame(ctx, primary, offset);
        if (frame.isEmpty()) {
            return new Step.Failed("frame register " + X64Context.name(primary.frameRegister()) + " is unknown");
        }
        if ((offset >= primary.sizeOfProlog() || primary.chainedInfo()) && rva < function.end()) {
            Optional<Step> epilog = epilog(ctx, base, function, primary, image, rva);
            if (epilog.isPresent()) {
                return epilog.get();
            }
        }
        return prolog(ctx, base, function, primary, frame.getAsLong(), image);
    }

    /**
     * The frame the prolog's save offsets are relative to: RSP, or once the prolog set the frame register, that
     * register less its scaled offset.
     */
    private static OptionalLong establisherFrame(X64Context ctx, X64UnwindInfo info, long offset) {
        if (info.frameRegister() == 0) {
            return OptionalLong.of(ctx.rsp());
        }
        boolean established = offset >= info.sizeOfProlog() || info.chainedInfo();
        if (!established) {
            int[] slots = info.slots();
            for (int i = 0; i < slots.length; i += info.width(i)) {
                if (X64UnwindInfo.op(slots[i]) == X64UnwindInfo.SET_FPREG) {
                    established = offset >= X64UnwindInfo.codeOffset(slots[i]);
                    break;
                }
            }
        }
        if (!established) {
            return OptionalLong.of(ctx.rsp());
        }
        OptionalLong fp = ctx.get(info.frameRegister());
        return fp.isEmpty() ? fp : OptionalLong.of(fp.getAsLong() - 16L * info.frameOffset());
    }

    private Step prolog(X64Context start, long base, RuntimeFunction function, X64UnwindInfo info, long frame,
                        ImageBytes image) {
        X64Context ctx = start;
        RuntimeFunction current = function;
        X64UnwindInfo level = info;
        boolean machineFrame = false;
        for (int depth = 0; ; depth++) {
            long offset = start.rip() - base - current.begin();
            int[] slots = level.slots();
            for (int i = 0; i < slots.length; i += level.width(i)) {
                int slot = slots[i];
                int op = X64UnwindInfo.op(slot);
                if (op == X64UnwindInfo.EPILOG || Long.compareUnsigned(offset, X64UnwindInfo.codeOffset(slot)) < 0) {
                    continue;   // an epilog descriptor, or a prolog instruction that had not run yet
                }
                int info4 = X64UnwindInfo.opInfo(slot);
                long rsp = ctx.rsp();
                switch (op) {
                    case X64UnwindInfo.PUSH_NONVOL -> {
                        try {
                            ctx = ctx.with(info4, stack.u64(rsp)).with(X64Context.RSP, rsp + 8);
                        } catch (MemoryAbsentException e) {
                            return notCaptured(e);
                        }
                    }
                    case X64UnwindInfo.ALLOC_LARGE -> {
                        long size = info4 == 0 ? 8L * slots[i + 1] : slots[i + 1] | ((long) slots[i + 2] << 16);
                        ctx = ctx.with(X64Context.RSP, rsp + size);
                    }
                    case X64UnwindInfo.ALLOC_SMALL -> ctx = ctx.with(X64Context.RSP, rsp + 8L * info4 + 8);
                    case X64UnwindInfo.SET_FPREG -> {
                        OptionalLong fp = ctx.get(level.frameRegister());
                        if (fp.isEmpty()) {
                            return new Step.Failed("frame register " + X64Context.name(level.frameRegister())
                                    + " is unknown");
                        }
                        ctx = ctx.with(X64Context.RSP, fp.getAsLong() - 16L * level.frameOffset());
                    }
                    case X64UnwindInfo.SAVE_NONVOL, X64UnwindInfo.SAVE_NONVOL_FAR -> {
                        long at = frame + (op == X64UnwindInfo.SAVE_NONVOL ? 8L * slots[i + 1]
                                : slots[i + 1] | ((long) slots[i + 2] << 16));
                        try {
                            ctx = ctx.with(info4, stack.u64(at));
                        } catch (MemoryAbsentException e) {
                            return notCaptured(e);
                        }
                    }
                    case X64UnwindInfo.SAVE_XMM128, X64UnwindInfo.SAVE_XMM128_FAR -> {
                        // XMM registers play no part in finding callers; the slot only has to be stepped over.
                    }
                    case X64UnwindInfo.PUSH_MACHFRAME -> {
                        long at = rsp + (info4 != 0 ? 8 : 0);   // an error code sits below the machine frame
                        try {
                            ctx = ctx.withRip(stack.u64(at)).with(X64Context.RSP, stack.u64(at + 24));
                        } catch (MemoryAbsentException e) {
                            return notCaptured(e);
                        }
                        machineFrame = true;
                    }
                    default -> {
                        return new Step.Failed(String.format("unknown unwind operation %d in the function at +0x%x",
                                op, current.begin()));
                    }
                }
            }
            if (level.chained().isEmpty()) {
                break;
            }
            if (depth == MAX_CHAIN) {
                return new Step.Failed(String.format("chained unwind information of the function at +0x%x loops",
                        function.begin()));
            }
            current = level.chained().get();
            Optional<X64UnwindInfo> parent = X64UnwindInfo.read(image, current.unwindInfo());
            if (parent.isEmpty()) {
                return new Step.Failed(String.format("chained unwind information at +0x%x is not readable",
                        current.unwindInfo()));
            }
            level = parent.get();
        }
        return machineFrame ? new Step.Unwound(ctx, true, false) : popReturn(ctx, false, false);
    }

    /**
     * Recognises an epilog from the instruction pointer on, as the ABI restricts it: an optional {@code add rsp,
     * imm} or {@code lea rsp, [framereg+disp]}, pops of nonvolatile registers, then {@code ret} or a {@code jmp}
     * out of the function (a tail call). When the code matches, the rest of the epilog is emulated.
     */
    private Optional<Step> epilog(X64Context start, long base, RuntimeFunction function, X64UnwindInfo info,
                                  ImageBytes image, long rva) {
        int window = (int) Math.min(EPILOG_WINDOW, Math.max(0, image.size() - rva));
        byte[] code = new byte[window];
        if (window < 1 || !image.read(rva, code, 0, window)) {
            return Optional.empty();
        }
        X64Context ctx = start;
        int i = 0;
        if (window >= 4 && code[0] == 0x48 && (code[1] & 0xFF) == 0x83 && (code[2] & 0xFF) == 0xC4) {
            ctx = ctx.with(X64Context.RSP, ctx.rsp() + (code[3] & 0xFF));
            i = 4;
        } else if (window >= 7 && code[0] == 0x48 && (code[1] & 0xFF) == 0x81 && (code[2] & 0xFF) == 0xC4) {
            ctx = ctx.with(X64Context.RSP, ctx.rsp() + Integer.toUnsignedLong(le32(code, 3)));
            i = 7;
        } else if (window >= 4 && (code[0] & 0xFE) == 0x48 && (code[1] & 0xFF) == 0x8D && info.frameRegister() != 0) {
            int modrm = code[2] & 0xFF;
            int mod = modrm >>> 6;
            int reg = (modrm >>> 3) & 7;
            int rm = (modrm & 7) | ((code[0] & 1) << 3);
            if (reg != X64Context.RSP || rm != info.frameRegister() || (mod != 1 && mod != 2)) {
                return Optional.empty();
            }
            OptionalLong fp = ctx.get(rm);
            if (fp.isEmpty()) {
                return Optional.empty();
            }
            // rm = 4 (r12) needs a SIB byte; the ABI's frame registers never take that form in an epilog.
            if ((rm & 7) == 4) {
                return Optional.empty();
            }
            long disp = mod == 1 ? code[3] : (window >= 7 ? le32(code, 3) : 0);
            ctx = ctx.with(X64Context.RSP, fp.getAsLong() + disp);
            i = mod == 1 ? 4 : 7;
        }
        int[] popped = new int[16];
        int pops = 0;
        while (i < window) {
            int b = code[i] & 0xFF;
            if (b >= 0x58 && b <= 0x5F) {
                popped[pops++] = b - 0x58;
                i += 1;
            } else if (b == 0x41 && i + 1 < window && (code[i + 1] & 0xFF) >= 0x58 && (code[i + 1] & 0xFF) <= 0x5F) {
                popped[pops++] = 8 + (code[i + 1] & 0xFF) - 0x58;
                i += 2;
            } else {
                break;
            }
            if (pops == popped.length) {
                return Optional.empty();
            }
        }
        if (!endsFunction(code, i, window, rva, function)) {
            return Optional.empty();
        }
        for (int p = 0; p < pops; p++) {
            long rsp = ctx.rsp();
            try {
                ctx = ctx.with(popped[p], stack.u64(rsp)).with(X64Context.RSP, rsp + 8);
            } catch (MemoryAbsentException e) {
                return Optional.of(notCaptured(e));
            }
        }
        return Optional.of(popReturn(ctx, false, true));
    }

    /** {@code ret}, {@code rep ret}, {@code ret imm16}, or a jump whose target lies outside the function. */
    private static boolean endsFunction(byte[] code, int i, int window, long rva, RuntimeFunction function) {
        if (i >= window) {
            return false;
        }
        int b = code[i] & 0xFF;
        if (b == 0xC3 || b == 0xC2) {
            return true;
        }
        if (b == 0xF3 && i + 1 < window && (code[i + 1] & 0xFF) == 0xC3) {
            return true;
        }
        if (b == 0xE9 && i + 5 <= window) {
            return !function.contains(rva + i + 5 + le32(code, i + 1));
        }
        if (b == 0xEB && i + 2 <= window) {
            return !function.contains(rva + i + 2 + code[i + 1]);
        }
        // jmp qword ptr [rip+disp32], with or without REX.W: an indirect tail call.
        int j = (b == 0x48) ? i + 1 : i;
        return j + 1 < window && (code[j] & 0xFF) == 0xFF && (code[j + 1] & 0xFF) == 0x25;
    }

    private Step popReturn(X64Context ctx, boolean machineFrame, boolean epilog) {
        long rsp = ctx.rsp();
        try {
            return new Step.Unwound(ctx.withRip(stack.u64(rsp)).with(X64Context.RSP, rsp + 8), machineFrame,
                    epilog);
        } catch (MemoryAbsentException e) {
            return notCaptured(e);
        }
    }

    private static Step notCaptured(MemoryAbsentException e) {
        return new Step.Failed(String.format("the stack at 0x%016x is not in the dump (%s)", e.address(),
                e.reason()));
    }

    private static int le32(byte[] b, int at) {
        return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (b[at + 3] & 0xFF) << 24;
    }
}
