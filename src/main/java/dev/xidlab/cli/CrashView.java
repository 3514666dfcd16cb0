package dev.xidlab.cli;

import dev.xidlab.crash.Bugcheck;
import dev.xidlab.crash.CrashAnalysis;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A crash as --json shows it: numbers in hex as WinDbg writes them, the stack as module+offset. */
record CrashView(String file, String time, String bugcheck, String name, List<String> parameters, String meaning,
                 String dumpType, String machine, int processors, int build, String upTime,
                 Optional<String> crashModule, int recursionDepth, Optional<String> recursionFrame,
                 boolean reentry, Map<String, Integer> modulesOnStack, List<String> stack) {

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
                a.header().upTime().toString(), a.crashModule(), a.recursionDepth(), a.recursionFrame(), a.reentry(),
                onStack, a.stackSignature());
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
