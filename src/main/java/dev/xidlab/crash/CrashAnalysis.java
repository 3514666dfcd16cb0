package dev.xidlab.crash;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What one dump says about one crash: the stop, the module it is attributed to, the stack as module+offset, and
 * whether it is the minifilter re-entry crash (a double fault with the filter's frame repeating on the stack).
 *
 * @param recursionDepth   how often the most repeated frame of a non-system module occurs (0: no recursion)
 * @param recursionFrame   that frame, e.g. "xidfilter.sys+0x104c"
 * @param stackSignature   the stack the attribution read, innermost first: for a double fault whose overflowed
 *                         stack was found, that stack; otherwise the captured one
 * @param overflow         a double fault's exhausted thread stack, found behind its trap frame
 * @param recursionPattern one turn of the recursion, innermost first (empty: no recursion)
 * @param notes            what the dump did not hold or did not add up, one line each
 */
public record CrashAnalysis(Path file, DumpHeader header, Bugcheck bugcheck, Optional<String> crashModule,
                            int recursionDepth, Optional<String> recursionFrame, List<String> stackSignature,
                            List<LoadedModule> modules, boolean reentry, Optional<OverflowedStack> overflow,
                            List<String> recursionPattern, List<String> notes) {

    public CrashAnalysis {
        stackSignature = List.copyOf(stackSignature);
        modules = List.copyOf(modules);
        recursionPattern = List.copyOf(recursionPattern);
        notes = List.copyOf(notes);
    }
}
