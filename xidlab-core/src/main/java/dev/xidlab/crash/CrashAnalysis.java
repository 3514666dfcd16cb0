package dev.xidlab.crash;

import dev.xidlab.dump.Bugcheck;
import dev.xidlab.dump.DumpHeader;
import dev.xidlab.dump.LoadedModule;
import dev.xidlab.dump.UnloadedModule;
import dev.xidlab.unwind.CallStack;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * What one dump says about one crash: the stop, the module it is attributed to, the stack as module+offset, the
 * call stacks unwound from it, and whether it is the minifilter re-entry crash (a double fault with the filter's
 * frame repeating on the stack).
 *
 * @param recursionDepth   how often the most repeated frame of a non-system module occurs (0: no recursion)
 * @param recursionFrame   that frame, e.g. "xidfilter.sys+0x104c"
 * @param stackSignature   every stack value inside a module, as module+offset, innermost first (the scan the
 *                         attribution reads): for a double fault whose overflowed stack was found, that stack;
 *                         otherwise the captured one
 * @param stacks           the call stacks unwound from the fault's and KeBugCheckEx's registers, fault first
 * @param overflow         a double fault's exhausted thread stack, found behind its trap frame
 * @param recursionPattern one turn of the recursion, innermost first (empty: no recursion)
 * @param notes            what limited the analysis, one line each: what the dump did not hold or did not add up,
 *                         missing images, where chains stopped, a truncated file
 * @param truncated        the file was cut short or partly written: only the header's stop could be read
 */
public record CrashAnalysis(Path file, DumpHeader header, Bugcheck bugcheck, Optional<String> crashModule,
                            int recursionDepth, Optional<String> recursionFrame, List<String> stackSignature,
                            List<LoadedModule> modules, boolean reentry, List<UnloadedModule> unloaded,
                            List<CallStack> stacks, Optional<OverflowedStack> overflow, List<String> recursionPattern,
                            List<String> notes, boolean truncated) {

    public CrashAnalysis {
        stackSignature = List.copyOf(stackSignature);
        modules = List.copyOf(modules);
        unloaded = List.copyOf(unloaded);
        stacks = List.copyOf(stacks);
        recursionPattern = List.copyOf(recursionPattern);
        notes = List.copyOf(notes);
    }

    /** The stack from the registers at the fault, when the bugcheck's parameters or the dump gave them. */
    public Optional<CallStack> atFault() {
        return stacks.stream().filter(s -> s.origin().startsWith(CallStacks.FAULT)).findFirst();
    }
}
