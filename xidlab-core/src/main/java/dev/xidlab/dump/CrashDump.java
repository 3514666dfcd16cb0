package dev.xidlab.dump;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One crash dump as read: its header and, for a minidump, its triage block; for a 64-bit full or kernel memory
 * dump, its memory.
 *
 * @param damage why the part past the header could not be read (a dump cut short or partly written): the stop
 *               code and parameters are still the header's
 */
public record CrashDump(Path file, long fileSize, DumpHeader header, Optional<TriageData> triage,
                        Optional<KernelDump> kernel, Optional<String> damage) {

    public boolean truncated() {
        return damage.isPresent();
    }
}
