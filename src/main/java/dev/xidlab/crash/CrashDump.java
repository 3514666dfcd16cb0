package dev.xidlab.crash;

import java.nio.file.Path;
import java.util.Optional;

/**
 * One crash dump as read: its header and, for a minidump, its triage block; for a 64-bit full or kernel memory
 * dump, its memory.
 */
public record CrashDump(Path file, long fileSize, DumpHeader header, Optional<TriageData> triage,
                        Optional<KernelDump> kernel) {
}
