package dev.xidlab.crash;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/** What the DUMP_HEADER32/64 says of the machine and the stop. */
public record DumpHeader(boolean is64Bit, DumpType type, Machine machine, int processors, int build,
                         Bugcheck bugcheck, Instant systemTime, Duration upTime, long requiredDumpSpace,
                         Optional<Long> bitmapPresentPages) {
}
