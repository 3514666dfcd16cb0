package dev.xidlab.crash;

import dev.xidlab.symbols.AddressSearch;
import dev.xidlab.symbols.SymbolStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Attribution without symbols: every stack value and bugcheck parameter that falls inside a loaded module
 * becomes module+offset; a frame of a non-system module that repeats is a recursion; the crash is the re-entry
 * crash when it is a double fault and the filter's frame repeats.
 */
public final class CrashAnalyzer {

    /** A pattern has to come back this often before it counts as recursion rather than coincidence. */
    public static final int RECURSION_MIN_REPEATS = 3;

    /** Code never starts in a module's first page (its PE headers): a value there is a data pointer. */
    private static final long HEADER_PAGE = 0x1000;

    private static final Set<String> SYSTEM_MODULES = Set.of("ntoskrnl.exe", "ntkrnlmp.exe", "ntkrnlpa.exe",
            "ntkrpamp.exe", "hal.dll", "fltmgr.sys");

    private CrashAnalyzer() {
    }

    /** Without symbols: stacks stop at the first frame whose image is not at hand, and the rest is scanned. */
    public static CrashAnalysis analyze(Path dumpFile, String filterModule) throws DumpFormatException {
        return analyze(DumpReader.read(dumpFile), filterModule, SymbolStore.none());
    }

    public static CrashAnalysis analyze(Path dumpFile, String filterModule, SymbolStore symbols)
            throws DumpFormatException {
        return analyze(DumpReader.read(dumpFile), filterModule, symbols);
    }

    public static CrashAnalysis analyze(CrashDump dump, String filterModule) {
        return analyze(dump, filterModule, SymbolStore.none());
    }

    public static CrashAnalysis analyze(CrashDump dump, String filterModule, SymbolStore symbols) {
        Bugcheck bugcheck = dump.header().bugcheck();
        if (dump.triage().isEmpty()) {
            // Full and kernel dumps need page tables to walk a stack; the stop itself still counts.
            List<String> notes = dump.damage().map(d -> List.of("truncated: " + d)).orElse(List.of());
            return new CrashAnalysis(dump.file(), dump.header(), bugcheck, Optional.empty(), 0, Optional.empty(),
                    List.of(), List.of(), false, List.of(), List.of(), notes, dump.truncated());
        }
        TriageData triage = dump.triage().get();
        CallStacks.Result stacks = CallStacks.of(dump, triage, symbols);
        List<StackFrame> frames = frames(triage.stack(), triage.modules());
        List<String> signature = frames.stream().map(StackFrame::signature).toList();

        // A recursion repeats a pattern of frames, not a single value: stale stacks are full of one pointer
        // seen many times. So a frame counts once for each time it comes back with the same caller above it.
        Map<String, Integer> repeats = new HashMap<>();
        Map<String, Integer> pairs = new HashMap<>();
        for (int i = 0; i + 1 < frames.size(); i++) {
            StackFrame f = frames.get(i);
            if (!isSystem(f.module())) {
                int seen = pairs.merge(f.signature() + " " + frames.get(i + 1).signature(), 1, Integer::sum);
                repeats.merge(f.signature(), seen, Math::max);
            }
        }
        Optional<Map.Entry<String, Integer>> top = repeats.entrySet().stream()
                .filter(e -> e.getValue() >= RECURSION_MIN_REPEATS)
                .max(Map.Entry.<String, Integer>comparingByValue().thenComparing(Map.Entry.comparingByKey()));
        int depth = top.map(Map.Entry::getValue).orElse(0);
        Optional<String> recursionFrame = top.map(Map.Entry::getKey);

        String filter = filterModule.toLowerCase(Locale.ROOT);
        boolean filterRepeats = repeats.entrySet().stream()
                .anyMatch(e -> e.getValue() >= RECURSION_MIN_REPEATS
                        && e.getKey().toLowerCase(Locale.ROOT).startsWith(filter + "+"));

        return new CrashAnalysis(dump.file(), dump.header(), bugcheck,
                crashModule(recursionFrame, bugcheck, triage, frames), depth, recursionFrame, signature,
                triage.modules(), bugcheck.isDoubleFault() && filterRepeats, triage.unloaded(), stacks.stacks(),
                stacks.notes(), false);
    }

    private static List<StackFrame> frames(List<Long> stack, List<LoadedModule> modules) {
        List<StackFrame> frames = new ArrayList<>();
        for (long value : stack) {
            locate(value, modules)
                    .filter(m -> value - m.base() >= HEADER_PAGE)
                    .ifPresent(m -> frames.add(new StackFrame(value, m.name(), value - m.base())));
        }
        return frames;
    }

    /** The module holding an address; modules are sorted by base. */
    static Optional<LoadedModule> locate(long address, List<LoadedModule> modules) {
        long found = AddressSearch.floor(modules.size(), i -> modules.get((int) i).base(), address);
        return found < 0 ? Optional.empty() : Optional.of(modules.get((int) found)).filter(m -> m.contains(address));
    }

    /**
     * The recursing module first (it is the cause, whatever trapped); else the faulting address (the context's
     * instruction pointer, then a parameter) in a non-system module; else the first non-system frame; else the
     * module of the instruction pointer.
     */
    private static Optional<String> crashModule(Optional<String> recursionFrame, Bugcheck bugcheck,
                                                TriageData triage, List<StackFrame> frames) {
        if (recursionFrame.isPresent()) {
            String frame = recursionFrame.get();
            return Optional.of(frame.substring(0, frame.indexOf('+')));
        }
        List<Long> addresses = new ArrayList<>();
        addresses.add(triage.instructionPointer());
        addresses.addAll(bugcheck.parameters());
        for (long address : addresses) {
            Optional<LoadedModule> m = locate(address, triage.modules());
            if (m.isPresent() && !isSystem(m.get().name())) {
                return Optional.of(m.get().name());
            }
        }
        for (StackFrame f : frames) {
            if (!isSystem(f.module())) {
                return Optional.of(f.module());
            }
        }
        return locate(triage.instructionPointer(), triage.modules()).map(LoadedModule::name);
    }

    static boolean isSystem(String module) {
        return SYSTEM_MODULES.contains(module.toLowerCase(Locale.ROOT));
    }
}
