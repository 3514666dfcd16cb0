package dev.xidlab.command;

import dev.xidlab.crash.CrashAnalysis;
import dev.xidlab.crash.OverflowedStack;
import dev.xidlab.dump.Bugcheck;
import dev.xidlab.dump.BugcheckNames;
import dev.xidlab.unwind.CallStack;
import dev.xidlab.unwind.Frame;
import dev.xidlab.unwind.FrameSource;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A crash as --json shows it: numbers in hex as WinDbg writes them, the call stacks frame by frame, a double
 * fault's overflowed stack, the modules with their bases, sizes and timestamps, the unloaded drivers, and the notes
 * that say what limited the analysis.
 */
public record CrashView(String file, String time, String bugcheck, String name, List<String> parameters, String meaning,
                 List<String> parameterMeanings, String dumpType, String machine, int processors, int build,
                 String upTime, boolean truncated, Optional<String> crashModule, Optional<String> faultingFrame,
                 int recursionDepth, Optional<String> recursionFrame, List<String> recursionPattern,
                 boolean reentry, Optional<OverflowView> overflowedStack, List<StackView> stacks, List<String> notes,
                 Map<String, Integer> modulesOnStack, List<String> scan, List<ModuleView> modules,
                 List<UnloadedView> unloaded) {

    /** One frame: where, which module, the symbol when known, and how it was found. */
    public record FrameView(String ip, String sp, String module, String offset, String symbol, String frame, String how) {

        public static FrameView of(Frame f) {
            return new FrameView(hex(f.ip()), hex(f.sp()), f.module().orElse(null),
                    f.module().isPresent() ? hex(f.offset()) : null, f.symbol().orElse(null), f.describe(),
                    f.source().label());
        }
    }

    public record StackView(String origin, long chainFrames, List<FrameView> frames, List<String> notes) {

        public static StackView of(CallStack s) {
            return new StackView(s.origin(), s.chainLength(), s.frames().stream().map(FrameView::of).toList(),
                    s.notes());
        }
    }

    public record ModuleView(String name, String base, String size, String timeDateStamp) {
    }

    public record UnloadedView(String name, String start, String end) {
    }

    /** A double fault's exhausted stack: the trap frame behind which it was found, and how much of it was used. */
    public record OverflowView(String trapFrame, String trapFrameFoundBy, String rip, String rsp, String stackLimit,
                        String stackTop, boolean baseFound, long bytesUsed, long intoGuardPage, String readFrom) {

        public static OverflowView of(OverflowedStack o) {
            return new OverflowView(hex(o.trapFrame().address()), o.trapFrame().foundBy(), hex(o.trapFrame().rip()),
                    hex(o.trapFrame().rsp()), hex(o.stackLimit()), hex(o.stackTop()), o.baseFound(), o.bytesUsed(),
                    o.intoGuardPage(), o.memory());
        }

        /** "RSP 0x... 0xa0 bytes into the guard page below the stack limit 0x...; 0x6060 bytes used". */
        public String describe() {
            String where = intoGuardPage > 0
                    ? String.format("0x%X bytes into the guard page below the stack limit %s", intoGuardPage,
                    stackLimit) : "stack limit " + stackLimit;
            return String.format("trap frame %s (%s): RIP %s, RSP %s, %s; %s0x%X bytes used up to %s%s", trapFrame,
                    trapFrameFoundBy, rip, rsp, where, baseFound ? "" : "at least ", bytesUsed, stackTop,
                    baseFound ? " (the stack's base)" : "");
        }
    }

    public static CrashView of(CrashAnalysis a) {
        Bugcheck b = a.bugcheck();
        Map<String, Integer> onStack = new LinkedHashMap<>();
        for (String frame : a.stackSignature()) {
            onStack.merge(frame.substring(0, frame.indexOf('+')), 1, Integer::sum);
        }
        Optional<String> faulting = a.atFault()
                .flatMap(s -> s.frames().stream().findFirst())
                .filter(f -> f.source() == FrameSource.CONTEXT)
                .map(Frame::describe);
        return new CrashView(a.file().toString(), a.header().systemTime().toString(), hex(b.code()), b.name(),
                b.parameters().stream().map(CrashView::hex).toList(), b.parameterMeaning(),
                BugcheckNames.parameters(b.code()), a.header().type().name().toLowerCase(Locale.ROOT),
                a.header().machine().name().toLowerCase(Locale.ROOT), a.header().processors(), a.header().build(),
                a.header().upTime().toString(), a.truncated(), a.crashModule(), faulting, a.recursionDepth(),
                a.recursionFrame(), a.recursionPattern(), a.reentry(), a.overflow().map(OverflowView::of),
                a.stacks().stream().map(StackView::of).toList(), a.notes(), onStack, a.stackSignature(),
                a.modules().stream().map(m -> new ModuleView(m.name(), hex(m.base()), hex(m.size()),
                        hex(m.timeDateStamp()))).toList(),
                a.unloaded().stream().map(u -> new UnloadedView(u.name(), hex(u.start()), hex(u.end()))).toList());
    }

    public static String hex(long value) {
        return "0x" + Long.toHexString(value).toUpperCase(Locale.ROOT);
    }

    /** "re-entry crash" / "other crash": the verdict a person reads first. */
    public String verdict() {
        if (truncated) {
            return "unknown: the dump is truncated, only its header's stop could be read";
        }
        return reentry ? "RE-ENTRY CRASH (double fault with " + recursionFrame.orElse("?") + " repeating "
                + recursionDepth + " times)" : "not the re-entry crash";
    }
}
