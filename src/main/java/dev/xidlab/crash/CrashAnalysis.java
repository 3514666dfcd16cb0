package dev.xidlab.crash;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What one dump says about one crash: the stop, the module it is attributed to, the stack as module+offset, and
 * whether it is the minifilter re-entry crash (a double fault with the filter's frame repeating on the stack).
 *
 * @param recursionDepth how often the most repeated frame of a non-system module occurs (0: no recursion)
 * @param recursionFrame that frame, e.g. "xidfilter.sys+0x104c"
 */
public record CrashAnalysis(Path file, DumpHeader header, Bugcheck bugcheck, Optional<String> crashModule,
                            int recursionDepth, Optional<String> recursionFrame, List<String> stackSignature,
                            List<LoadedModule> modules, boolean reentry) {

    public CrashAnalysis {
        stackSignature = List.copyOf(stackSignature);
        modules = List.copyOf(modules);
    }
}
