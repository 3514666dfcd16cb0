package dev.xidlab.crash;

import java.util.List;
import java.util.Optional;

/**
 * What a 64-bit full or kernel memory dump adds to its header: the kernel's memory (empty when the dump's layout
 * rules it out, with the reason in the notes), the address of PsLoadedModuleList (DUMP_HEADER64 at 0x20), and
 * the crashing processor's context (the CONTEXT at 0x348: Rip at +0xF8, Rsp at +0x98).
 */
public record KernelDump(Optional<KernelMemory> memory, long psLoadedModuleList, long contextRip, long contextRsp,
                         List<String> notes) {

    public KernelDump {
        notes = List.copyOf(notes);
    }
}
