package dev.xidlab.site;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * One crash of a machine as a profile counts it: Windows writes a minidump and, when configured, a kernel memory
 * dump of the same stop, which are one crash here (judged by the kernel dump, which holds the whole stack).
 *
 * @param bugcheck        "0x1000007F"
 * @param depth           how often the recursing frame repeats on the stack read (0: no recursion)
 * @param modulesOnStack  the modules on a double fault's overflowed stack, innermost first (empty when the dump
 *                        does not hold it, or the crash is no double fault)
 * @param dumps           the files of this crash, the one it was judged by first
 */
public record ProfiledCrash(Instant time, Duration upTime, String bugcheck, String name, boolean reentry, int depth,
                            Optional<String> recursionFrame, List<String> modulesOnStack, List<Path> dumps) {

    public ProfiledCrash {
        modulesOnStack = List.copyOf(modulesOnStack);
        dumps = List.copyOf(dumps);
    }
}
