package dev.xidlab.dump;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Optional;

/**
 * The TRIAGE_DUMP32/64 block of a kernel minidump: the crashing thread's context and captured stack, and the
 * loaded and unloaded drivers. {@code stack} holds the captured stack values, top of stack first.
 *
 * @param memory    everything the minidump captured (the stack, the data page and the data blocks) by virtual
 *                  address
 * @param context   the CONTEXT record the dump holds (the machine's layout), read by {@link ContextRecords}
 * @param exception the dump's exception record: for a bugcheck, a breakpoint at KeBugCheckEx
 */
public record TriageData(long sizeOfDump, long instructionPointer, long stackPointer, long topOfStack,
                         List<Long> stack, List<LoadedModule> modules, List<UnloadedModule> unloaded,
                         CapturedMemory memory, ByteBuffer context, Optional<ExceptionRecord> exception) {

    public TriageData {
        stack = List.copyOf(stack);
        modules = List.copyOf(modules);
        unloaded = List.copyOf(unloaded);
    }

    /** Where the captured stack ends: TopOfStack plus what was captured of it. */
    public long stackEnd() {
        return topOfStack + 8L * stack.size();
    }
}
