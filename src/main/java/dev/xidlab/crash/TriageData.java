package dev.xidlab.crash;

import java.util.List;

/**
 * The TRIAGE_DUMP32/64 block of a kernel minidump: the crashing thread's context and captured stack, and the
 * loaded and unloaded drivers. {@code stack} holds the captured stack values, top of stack first; {@code memory}
 * is everything the minidump captured (the stack, the data page and the data blocks) by virtual address.
 */
public record TriageData(long sizeOfDump, long instructionPointer, long stackPointer, long topOfStack,
                         List<Long> stack, List<LoadedModule> modules, List<UnloadedModule> unloaded,
                         VirtualMemory memory) {

    public TriageData {
        stack = List.copyOf(stack);
        modules = List.copyOf(modules);
        unloaded = List.copyOf(unloaded);
    }
}
