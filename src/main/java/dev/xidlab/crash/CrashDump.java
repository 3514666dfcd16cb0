package dev.xidlab.crash;

import java.nio.file.Path;
import java.util.Optional;

/** One crash dump as read: its header and, for a minidump, its triage block. */
public record CrashDump(Path file, long fileSize, DumpHeader header, Optional<TriageData> triage) {
}
