package dev.xidlab.cli;

import dev.xidlab.command.CommandError;
import dev.xidlab.command.CrashView;
import dev.xidlab.command.ExitCode;
import dev.xidlab.command.TextOrJsonCommand;
import dev.xidlab.crash.CrashAnalysis;
import dev.xidlab.crash.CrashAnalyzer;
import dev.xidlab.dump.DumpFormatException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code xidlab crashes show FILE}. */
@Command(name = "show",
        description = {"One dump (a minidump, or a 64-bit full or kernel memory dump): header, the call stack at the"
                + " fault and at KeBugCheckEx (unwound with the modules' images from the symbol path, or from the"
                + " kernel memory dump's own pages; named from their PDBs), for a double fault the overflowed stack"
                + " behind its trap frame, attribution, and whether it is the re-entry crash.",
                "Exit 1 when the dump is truncated (only its header's stop could be read)."})
public final class CrashesShowCommand extends TextOrJsonCommand {

    /** Scanned entries printed per stack; --json has them all. */
    private static final int SCANNED_SHOWN = 12;

    @Parameters(index = "0", paramLabel = "FILE", description = "A crash dump (Minidump\\*.dmp, MEMORY.DMP).")
    Path file;

    @CommandLine.Mixin
    AttributionOptions attribution;

    @Override
    public Integer call() {
        CrashAnalysis analysis;
        try {
            analysis = CrashAnalyzer.analyze(file, attribution.filterModule,
                    attribution.symbols.store(spec.commandLine().getErr()));
        } catch (DumpFormatException e) {
            throw new CommandError.Usage(e.getMessage());
        }
        CrashView view = CrashView.of(analysis);
        answer(view, out -> print(out, analysis, view));
        return view.truncated() ? ExitCode.CHECK_FAILED : ExitCode.OK;
    }

    private void print(PrintWriter out, CrashAnalysis analysis, CrashView view) {
        out.printf("file              %s%n", view.file());
        out.printf("bugcheck          %s %s%n", view.bugcheck(), view.name());
        out.printf("parameters        %s%n", String.join(", ", view.parameters()));
        for (int i = 0; i < view.parameterMeanings().size(); i++) {
            out.printf("  %d: %-14s %s%n", i + 1, view.parameters().get(i), view.parameterMeanings().get(i));
        }
        if (!view.meaning().isEmpty()) {
            out.printf("meaning           %s%n", view.meaning());
        }
        out.printf("dump              %s, %s, %d processors, build %d%s%n", view.dumpType(), view.machine(),
                view.processors(), view.build(), view.truncated() ? ", TRUNCATED" : "");
        out.printf("time              %s (up %s)%n", view.time(), view.upTime());
        analysis.header().bitmapPresentPages().ifPresent(p -> out.printf("pages present     %d%n", p));
        if (!analysis.modules().isEmpty()) {
            out.printf("modules loaded    %d (%d unloaded)%n", analysis.modules().size(), analysis.unloaded().size());
            out.printf("symbols           %s%n", attribution.symbols.describe());
            view.overflowedStack().ifPresent(o -> out.printf("overflowed stack  %s%n", o.describe()));
            out.printf("crash module      %s%n", view.crashModule().orElse("unknown"));
            view.faultingFrame().ifPresent(f -> out.printf("faulting frame    %s%n", f));
            out.printf("recursion         %s%n", view.recursionDepth() == 0 ? "none"
                    : view.recursionFrame().orElse("?") + " repeats " + view.recursionDepth() + " times");
            if (!view.recursionPattern().isEmpty()) {
                out.printf("one turn          %s%n", String.join(" < ", view.recursionPattern()));
            }
            for (CrashView.StackView stack : view.stacks()) {
                printStack(out, stack);
            }
        } else if (!view.truncated()) {
            out.println("stack             not in this dump (it holds no memory this reader can walk)");
        }
        if (!view.notes().isEmpty()) {
            out.println("notes");
            view.notes().forEach(n -> out.println("  " + n));
        }
        out.printf("verdict           %s%n", view.verdict());
        out.flush();
    }

    private static void printStack(PrintWriter out, CrashView.StackView stack) {
        out.printf("stack %s: %d frame%s from unwinding%n", stack.origin(), stack.chainFrames(),
                stack.chainFrames() == 1 ? "" : "s");
        TextTable table = new TextTable("#", "child-sp", "ip", "how", "frame");
        List<CrashView.FrameView> frames = stack.frames();
        int scanned = 0;
        for (int i = 0; i < frames.size(); i++) {
            CrashView.FrameView f = frames.get(i);
            if (f.how().equals("scanned") && ++scanned > SCANNED_SHOWN) {
                continue;
            }
            table.row(String.format("%02x", i), f.sp().substring(2).toLowerCase(java.util.Locale.ROOT),
                    f.ip().substring(2).toLowerCase(java.util.Locale.ROOT), f.how(), f.frame());
        }
        table.print(out);
        if (scanned > SCANNED_SHOWN) {
            out.printf("  ... %d more scanned (--json has every frame)%n", scanned - SCANNED_SHOWN);
        }
        stack.notes().forEach(n -> out.println("  " + n));
    }
}
