package dev.xidlab.crash;

import dev.xidlab.dump.ExceptionRecord;
import dev.xidlab.dump.KernelDump;
import dev.xidlab.dump.KernelMemory;
import dev.xidlab.dump.KernelModules;
import dev.xidlab.dump.LoadedModule;
import dev.xidlab.dump.TriageData;
import dev.xidlab.dump.UnloadedModule;
import dev.xidlab.unwind.MemoryAbsentException;
import dev.xidlab.unwind.VirtualMemory;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What a dump holds of the thread that called KeBugCheckEx, whatever the dump's type: its registers (the CONTEXT
 * record), the dump's exception record, the stack from its RSP, the loaded and unloaded drivers, and the memory
 * everything else is read through. A minidump gives them from its triage block; a kernel memory dump from its
 * header, its page tables and PsLoadedModuleList, and its memory holds the modules' images too.
 *
 * @param stack          the stack's values from {@code topOfStack} up, as far as the dump holds them
 * @param imagesInMemory the memory holds the loaded modules' images (a kernel memory dump), so a walk can read
 *                       their headers and unwind data from it
 */
record StackSource(ByteBuffer context, Optional<ExceptionRecord> exception, long instructionPointer,
                   long stackPointer, long topOfStack, List<Long> stack, List<LoadedModule> modules,
                   List<UnloadedModule> unloaded, VirtualMemory memory, boolean imagesInMemory) {

    /** What a triage writer keeps of the current stack (16 KiB); a kernel dump's is read as far. */
    static final int KERNEL_STACK_CAPTURE = 16 * 1024;

    StackSource {
        stack = List.copyOf(stack);
        modules = List.copyOf(modules);
        unloaded = List.copyOf(unloaded);
    }

    /** Where the stack read ends: the scan of what unwinding could not reach stops there. */
    long stackEnd() {
        return topOfStack + 8L * stack.size();
    }

    static StackSource of(TriageData t) {
        return new StackSource(t.context(), t.exception(), t.instructionPointer(), t.stackPointer(), t.topOfStack(),
                t.stack(), t.modules(), t.unloaded(), t.memory(), false);
    }

    /**
     * A kernel memory dump's crashing thread: the header's context, its stack as a triage writer would capture it
     * (at most 16 KiB from RSP), and the modules of PsLoadedModuleList. Empty when the dump's memory cannot be read.
     */
    static Optional<StackSource> of(KernelDump k, List<String> notes) {
        if (k.memory().isEmpty()) {
            return Optional.empty();
        }
        KernelMemory memory = k.memory().get();
        List<LoadedModule> modules = KernelModules.read(memory, k.psLoadedModuleList(), notes);
        List<Long> stack = new ArrayList<>();
        try {
            for (long at = k.contextRsp(); stack.size() < KERNEL_STACK_CAPTURE / 8; at += 8) {
                stack.add(memory.u64(at));
            }
        } catch (MemoryAbsentException e) {
            if (stack.isEmpty()) {
                notes.add("the crashing processor's stack is not in this dump: " + e.getMessage());
            }
        }
        return Optional.of(new StackSource(k.context(), k.exception(), k.contextRip(), k.contextRsp(),
                k.contextRsp(), stack, modules, List.of(), memory, true));
    }
}
