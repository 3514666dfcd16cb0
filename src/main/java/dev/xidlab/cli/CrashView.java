package dev.xidlab.cli;

import dev.xidlab.crash.Bugcheck;
import dev.xidlab.crash.CrashAnalysis;
import dev.xidlab.crash.OverflowedStack;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A crash as --json shows it: numbers in hex as WinDbg writes them, the stack as module+offset. */
record CrashView(String file, String time, String bugcheck, String name, List<String> parameters, String meaning,
                 String dumpType, String machine, int processors, int build, String upTime,
                 Optional<String> crashModule, int recursionDepth, Optional<String> recursionFrame,
                 List<String> recursionPattern, boolean reentry, Optional<OverflowView> overflowedStack,
                 Map<String, Integer> modulesOnStack, List<String> stack, List<String> notes) {

    /** A double fault's exhausted stack: the trap frame behind which it was found, and how much of it was used. */
    record OverflowView(String trapFrame, String trapFrameFoundBy, String rip, String rsp, String stackLimit,
                        String stackTop, boolean baseFound, long bytesUsed, long intoGuardPage, String readFrom) {

        static OverflowView of(OverflowedStack o) {
            return new OverflowView(hex(o.trapFrame().address()), o.trapFrame().foundBy(), hex(o.trapFrame().rip()),
                    hex(o.trapFrame().rsp()), hex(o.stackLimit()), hex(o.stackTop()), o.baseFound(), o.bytesUsed(),
                    o.intoGuardPage(), o.memory());
        }

        /** "RSP 0x... 0xa0 bytes into the guard page below the stack limit 0x...; 0x6060 bytes used". */
        String describe() {
            String where = intoGuardPage > 0
                    ? String.format("0x%X bytes into the guard page below the stack limit %s", intoGuardPage,
                    stackLimit) : "stack limit " + stackLimit;
            return String.format("trap frame %s (%s): RIP %s, RSP %s, %s; %s0x%X bytes used up to %s%s", trapFrame,
                    trapFrameFoundBy, rip, rsp, where, baseFound ? "" : "at least ", bytesUsed, stackTop,
                    baseFound ? " (the stack's base)" : "");
        }
    }

    static CrashView of(CrashAnalysis a) {
        Bugcheck b = a.bugcheck();
        Map<String, Integer> onStack = new LinkedHashMap<>();
        for (String frame : a.stackSignature()) {
            onStack.merge(frame.substring(0, frame.indexOf('+')), 1, Integer::sum);
        }
        return new CrashView(a.file().toString(), a.header().systemTime().toString(), hex(b.code()), b.name(),
                b.parameters().stream().map(CrashView::hex).toList(), b.parameterMeaning(),
                a.header().type().name().toLowerCase(java.util.Locale.ROOT), a.header().machine().name()
                        .toLowerCase(java.util.Locale.ROOT), a.header().processors(), a.header().build(),
                a.header().upTime().toString(), a.crashModule(), a.recursionDepth(), a.recursionFrame(),
                a.recursionPattern(), a.reentry(), a.overflow().map(OverflowView::of), onStack, a.stackSignature(),
                a.notes());
    }

    static String hex(long value) {
        return "0x" + Long.toHexString(value).toUpperCase(java.util.Locale.ROOT);
    }

    /** "re-entry crash" / "other crash": the verdict a person reads first. */
    String verdict() {
        return reentry ? "RE-ENTRY CRASH (double fault with " + recursionFrame.orElse("?") + " repeating "
                + recursionDepth + " times)" : "not the re-entry crash";
    }
}
