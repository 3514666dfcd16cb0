package dev.xidlab.crash;

import dev.xidlab.dump.Bugcheck;
import dev.xidlab.dump.CapturedMemory;
import dev.xidlab.dump.CrashDump;
import dev.xidlab.dump.DumpFormatException;
import dev.xidlab.dump.DumpReader;
import dev.xidlab.dump.LoadedModule;
import dev.xidlab.dump.Machine;
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
 * crash when it is a double fault and the filter's frame repeats. For a double fault the stack read is the
 * exhausted thread stack behind the trap frame ({@link DoubleFaultAnalyzer}) when the dump holds it, since the
 * thread that bugchecked was on the small double-fault stack.
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
        List<String> notes = new ArrayList<>();
        dump.damage().ifPresent(d -> notes.add("truncated: " + d));
        dump.kernel().ifPresent(k -> notes.addAll(k.notes()));
        Optional<StackSource> source = dump.triage().map(StackSource::of)
                .or(() -> dump.kernel().flatMap(k -> StackSource.of(k, notes)));
        if (source.isEmpty()) {
            // A dump without memory (cut short, header-only, 32-bit or RDMP kernel dumps): the stop still counts.
            return new CrashAnalysis(dump.file(), dump.header(), bugcheck, Optional.empty(), 0, Optional.empty(),
                    List.of(), List.of(), false, List.of(), List.of(), Optional.empty(), List.of(), notes,
                    dump.truncated());
        }
        StackSource s = source.get();
        Optional<OverflowedStack> overflow = Optional.empty();
        if (bugcheck.isDoubleFault() && dump.header().machine() == Machine.X64) {
            DoubleFaultAnalyzer.Result df = DoubleFaultAnalyzer.analyze(bugcheck, s.memory(), s.stackPointer(),
                    dump.triage().isPresent());
            overflow = df.stack();
            notes.addAll(df.notes());
        }
        CallStacks.Result stacks = CallStacks.of(dump.header(), s, overflow, symbols);
        notes.addAll(stacks.notes());
        if (s.memory() instanceof CapturedMemory captured) {
            notes.addAll(captured.notes());
        }
        List<StackFrame> frames = frames(overflow.map(OverflowedStack::values).orElse(s.stack()), s.modules());
        Recursion recursion = Recursion.of(frames, filterModule);
        return new CrashAnalysis(dump.file(), dump.header(), bugcheck,
                crashModule(recursion.frame(), bugcheck, s, frames), recursion.depth(), recursion.frame(),
                frames.stream().map(StackFrame::signature).toList(), s.modules(),
                bugcheck.isDoubleFault() && recursion.filterRepeats(), s.unloaded(), stacks.stacks(), overflow,
                recursion.pattern(), notes, false);
    }

    /** A pattern of frames that comes back: its frame, how often, one turn of it, and whether the filter is in it. */
    private record Recursion(int depth, Optional<String> frame, List<String> pattern, boolean filterRepeats) {

        static Recursion of(List<StackFrame> frames, String filterModule) {
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
            String filter = filterModule.toLowerCase(Locale.ROOT);
            boolean filterRepeats = repeats.entrySet().stream()
                    .anyMatch(e -> e.getValue() >= RECURSION_MIN_REPEATS
                            && e.getKey().toLowerCase(Locale.ROOT).startsWith(filter + "+"));
            Optional<String> frame = top.map(Map.Entry::getKey);
            return new Recursion(top.map(Map.Entry::getValue).orElse(0), frame,
                    frame.map(f -> turn(frames, f)).orElse(List.of()), filterRepeats);
        }

        /** The frames from one occurrence of {@code frame} to the next, the turn seen most often. */
        private static List<String> turn(List<StackFrame> frames, String frame) {
            Map<List<String>, Integer> turns = new HashMap<>();
            int last = -1;
            for (int i = 0; i < frames.size(); i++) {
                if (frames.get(i).signature().equals(frame)) {
                    if (last >= 0) {
                        turns.merge(frames.subList(last, i).stream().map(StackFrame::signature).toList(), 1,
                                Integer::sum);
                    }
                    last = i;
                }
            }
            return turns.entrySet().stream()
                    .max(Map.Entry.<List<String>, Integer>comparingByValue()
                            .thenComparing(e -> -e.getKey().size()))
                    .map(Map.Entry::getKey).orElse(List.of(frame));
        }
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
                                                StackSource source, List<StackFrame> frames) {
        if (recursionFrame.isPresent()) {
            String frame = recursionFrame.get();
            return Optional.of(frame.substring(0, frame.indexOf('+')));
        }
        List<Long> addresses = new ArrayList<>();
        addresses.add(source.instructionPointer());
        addresses.addAll(bugcheck.parameters());
        for (long address : addresses) {
            Optional<LoadedModule> m = locate(address, source.modules());
            if (m.isPresent() && !isSystem(m.get().name())) {
                return Optional.of(m.get().name());
            }
        }
        for (StackFrame f : frames) {
            if (!isSystem(f.module())) {
                return Optional.of(f.module());
            }
        }
        return locate(source.instructionPointer(), source.modules()).map(LoadedModule::name);
    }

    static boolean isSystem(String module) {
        return SYSTEM_MODULES.contains(module.toLowerCase(Locale.ROOT));
    }
}
