package dev.xidlab.dump;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What the DUMP_HEADER32/64 says of the machine and the stop.
 *
 * @param physicalPages the machine's physical memory in 4 KiB pages, from the physical memory descriptor a full or
 *                      kernel memory dump carries (NumberOfPages); empty for a minidump, whose header has none
 */
public record DumpHeader(boolean is64Bit, DumpType type, Machine machine, int processors, int build,
                         Bugcheck bugcheck, Instant systemTime, Duration upTime, long requiredDumpSpace,
                         Optional<Long> bitmapPresentPages, Optional<Long> physicalPages) {
}
