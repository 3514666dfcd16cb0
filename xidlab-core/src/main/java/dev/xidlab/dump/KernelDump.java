package dev.xidlab.dump;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Optional;

/**
 * What a 64-bit full or kernel memory dump adds to its header: the kernel's memory (empty when the dump's layout
 * rules it out, with the reason in the notes), the address of PsLoadedModuleList (DUMP_HEADER64 at 0x20), the
 * crashing processor's CONTEXT (at 0x348) and the header's exception record (at 0xF00).
 */
public record KernelDump(Optional<KernelMemory> memory, long psLoadedModuleList, ByteBuffer context,
                         Optional<ExceptionRecord> exception, List<String> notes) {

    public KernelDump {
        context = context.asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
        notes = List.copyOf(notes);
    }

    public long contextRip() {
        return ContextRecords.x64(context).rip();
    }

    public long contextRsp() {
        return ContextRecords.x64(context).rsp();
    }
}
