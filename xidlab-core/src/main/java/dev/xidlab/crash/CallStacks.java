package dev.xidlab.crash;

import dev.xidlab.dump.Bugcheck;
import dev.xidlab.dump.ContextRecords;
import dev.xidlab.dump.DumpHeader;
import dev.xidlab.dump.ExceptionRecord;
import dev.xidlab.dump.ImageInDump;
import dev.xidlab.dump.LoadedModule;
import dev.xidlab.dump.Machine;
import dev.xidlab.dump.TrapFrame;
import dev.xidlab.symbols.ImageBytes;
import dev.xidlab.symbols.LoadedImage;
import dev.xidlab.symbols.PeFormatException;
import dev.xidlab.symbols.PeImage;
import dev.xidlab.symbols.SymbolStore;
import dev.xidlab.unwind.Arm64StackWalk;
import dev.xidlab.unwind.CallStack;
import dev.xidlab.unwind.CodeMap;
import dev.xidlab.unwind.CodeModule;
import dev.xidlab.unwind.MemoryAbsentException;
import dev.xidlab.unwind.X64Context;
import dev.xidlab.unwind.X64StackWalk;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The call stacks of a dump: the one at the fault, from the record the bugcheck's parameters name (the context
 * record of 0x7E and 0x3B, the trap frame of 0x8E and 0x139, and of 0x7F the trap frame the double-fault analysis
 * found, or parameter 2's where the memory holds it), and the one at KeBugCheckEx, from the dump's own context.
 * Each is unwound with the modules' images, from a symbol store or, in a kernel memory dump, from the dump's own
 * pages, and its frames named from their PDBs.
 */
public final class CallStacks {

    /** Both stacks (the fault's first when there is one) and what limited them. */
    public record Result(List<CallStack> stacks, List<String> notes) {

        public Result {
            stacks = List.copyOf(stacks);
            notes = List.copyOf(notes);
        }

        public Optional<CallStack> atFault() {
            return stacks.stream().filter(s -> s.origin().startsWith(FAULT)).findFirst();
        }
    }

    static final String FAULT = "at the fault";
    static final String BUGCHECK = "at KeBugCheckEx";
    private static final long KE_BUGCHECK_EX_EXTENT = 0x400;
    /** The PE headers a module's image starts with: what must be readable before the image counts as present. */
    private static final int HEADER_PROBE = 0x40;

    private CallStacks() {
    }

    /**
     * @param overflow a double fault's exhausted stack, when the analysis found it: the fault's stack starts at its
     *                 trap frame and is read up to its top
     */
    static Result of(DumpHeader header, StackSource source, Optional<OverflowedStack> overflow, SymbolStore store) {
        List<CodeModule> modules = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        Machine machine = header.machine();
        for (LoadedModule m : source.modules()) {
            modules.add(new CodeModule(m.name(), m.base(), m.size(), () -> image(store, source, m, machine, notes)));
        }
        CodeMap code = new CodeMap(modules);
        Bugcheck bugcheck = header.bugcheck();
        List<CallStack> stacks = new ArrayList<>();
        switch (machine) {
            case X64 -> x64(source, bugcheck, overflow, code, stacks);
            case ARM64 -> arm64(source, bugcheck, code, stacks);
            default -> notes.add("x86 dumps are not unwound: the stack is scanned");
        }
        List<CallStack> named = stacks.stream().map(s -> Symbols.name(s, code, store)).toList();
        List<String> missing = modules.stream().filter(CodeModule::missing).map(CodeModule::name)
                .sorted(String.CASE_INSENSITIVE_ORDER).toList();
        if (!missing.isEmpty()) {
            boolean noPath = store.path().locations().isEmpty();
            String where = source.imagesInMemory()
                    ? (noPath ? " in the dump, and no symbol path was given (--symbols or _NT_SYMBOL_PATH)"
                    : " in the dump or the symbol path")
                    : (noPath ? ": no symbol path was given (--symbols or _NT_SYMBOL_PATH)" : " in the symbol path");
            notes.add("no image of " + String.join(", ", missing) + where);
        }
        return new Result(named, notes);
    }

    /**
     * A module's image: the store's file when the symbol path has it (the whole image, whatever was paged out),
     * else, where the dump's memory holds images, the module's pages in the dump.
     */
    private static Optional<CodeModule.Image> image(SymbolStore store, StackSource source, LoadedModule m,
                                                    Machine machine, List<String> notes) {
        Optional<LoadedImage> loaded = store.loadImage(m.name(), m.timeDateStamp(), m.size());
        if (loaded.isPresent()) {
            return checked(m, loaded.get().file(), loaded.get().headers(), "the store's image", machine, notes);
        }
        return source.imagesInMemory() ? inDump(source, m, machine, notes) : Optional.empty();
    }

    private static Optional<CodeModule.Image> inDump(StackSource source, LoadedModule m, Machine machine,
                                                     List<String> notes) {
        try {
            source.memory().read(m.base(), new byte[HEADER_PROBE], 0, HEADER_PROBE);
        } catch (MemoryAbsentException e) {
            notes.add(String.format("%s: its image's headers are not in the dump (%s)", m.name(), e.getMessage()));
            return Optional.empty();
        }
        ImageInDump image = new ImageInDump(source.memory(), m);
        PeImage headers;
        try {
            headers = PeImage.read(image, m.name());
        } catch (PeFormatException e) {
            notes.add(e.getMessage() + image.lastAbsence().map(a -> " (" + a.getMessage() + ")").orElse("")
                    + ": its frames are not unwound from the dump");
            return Optional.empty();
        }
        return checked(m, image, headers, "the dump's image", machine, notes);
    }

    private static Optional<CodeModule.Image> checked(LoadedModule m, ImageBytes bytes, PeImage headers,
                                                      String source, Machine machine, List<String> notes) {
        if (headers.machine() != machine.imageType()) {
            notes.add(String.format("%s: %s is for machine 0x%X, the dump is %s", m.name(), source,
                    headers.machine(), machine));
            return Optional.empty();
        }
        return Optional.of(new CodeModule.Image(bytes, headers));
    }

    private static void x64(StackSource source, Bugcheck bugcheck, Optional<OverflowedStack> overflow, CodeMap code,
                            List<CallStack> stacks) {
        X64Context dumpContext = ContextRecords.x64(source.context());
        Optional<FaultRecords.Pointer> pointer = FaultRecords.pointer(bugcheck);
        Optional<X64Context> fault;
        String faultOrigin;
        long faultStackEnd = source.stackEnd();
        if (overflow.isPresent()) {
            TrapFrame tf = overflow.get().trapFrame();
            fault = ContextRecords.x64TrapFrame(source.memory(), tf.address());
            faultOrigin = String.format("trap frame at 0x%016x, found by %s", tf.address(), tf.foundBy());
            faultStackEnd = overflow.get().stackTop();
        } else {
            fault = pointer.flatMap(p -> FaultRecords.x64(p, source.memory()));
            faultOrigin = pointer.map(FaultRecords.Pointer::describe).orElse("");
        }

        // The dump's context is the thread in KeBugCheckEx, unless the writer stored the fault's context there
        // (triage dumps of 0x7E do): then KeBugCheckEx's frame is the exception record's address at TopOfStack.
        Optional<ExceptionRecord> bugcheckCall = source.exception()
                .filter(e -> e.code() == ExceptionRecord.BREAKPOINT && !insideKeBugCheckEx(dumpContext.rip(), e));
        X64Context atBugcheck = bugcheckCall.map(e -> X64Context.of(e.address(), source.topOfStack()))
                .orElse(dumpContext);
        if (fault.isEmpty() && bugcheckCall.isPresent()) {
            fault = Optional.of(dumpContext);
            faultOrigin = "the dump's context record";
        }
        if (fault.isPresent()) {
            stacks.add(new X64StackWalk(code, source.memory(), faultStackEnd)
                    .walk(FAULT + " (" + faultOrigin + ")", fault.get()));
        }
        stacks.add(new X64StackWalk(code, source.memory(), source.stackEnd()).walk(BUGCHECK
                + (bugcheckCall.isPresent() ? " (the exception record's address, the stack from TopOfStack)"
                : " (the dump's context record)"), atBugcheck));
    }

    /**
     * Whether an instruction pointer lies in KeBugCheckEx itself (a context it captured of its own thread), which
     * starts at the dump's breakpoint address and is far shorter than this.
     */
    private static boolean insideKeBugCheckEx(long ip, ExceptionRecord bugcheck) {
        return Long.compareUnsigned(ip - bugcheck.address(), KE_BUGCHECK_EX_EXTENT) < 0;
    }

    private static void arm64(StackSource source, Bugcheck bugcheck, CodeMap code, List<CallStack> stacks) {
        Arm64StackWalk walk = new Arm64StackWalk(code, source.memory(), source.stackEnd());
        Optional<FaultRecords.Pointer> pointer = FaultRecords.pointer(bugcheck);
        pointer.flatMap(p -> FaultRecords.arm64(p, source.memory()))
                .ifPresent(c -> stacks.add(walk.walk(FAULT + " (" + pointer.get().describe() + ")", c)));
        stacks.add(walk.walk(BUGCHECK + " (the dump's context record)", ContextRecords.arm64(source.context())));
    }
}
