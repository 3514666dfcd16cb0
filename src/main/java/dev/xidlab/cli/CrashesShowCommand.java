package dev.xidlab.cli;

import dev.xidlab.crash.CrashAnalysis;
import dev.xidlab.crash.CrashAnalyzer;
import dev.xidlab.crash.DumpFormatException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code xidlab crashes show FILE}. */
@Command(name = "show", mixinStandardHelpOptions = true,
        description = "One dump: header, triage data, modules on the stack, attribution, and whether it is the"
                + " re-entry crash.", footer = ExitCode.FOOTER)
public final class CrashesShowCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "FILE", description = "A crash dump (Minidump\\*.dmp, MEMORY.DMP).")
    Path file;

    @Option(names = "--filter-module", paramLabel = "NAME", defaultValue = "xidfilter.sys",
            description = "The minifilter whose recursion makes the re-entry crash (default: ${DEFAULT-VALUE}).")
    String filterModule;

    @Option(names = "--json", description = "Print JSON for machines instead of text.")
    boolean json;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
        CrashAnalysis analysis;
        try {
            analysis = CrashAnalyzer.analyze(file, filterModule);
        } catch (DumpFormatException e) {
            throw new CliException(ExitCode.USAGE, e.getMessage());
        }
        PrintWriter out = spec.commandLine().getOut();
        CrashView view = CrashView.of(analysis);
        if (json) {
            JsonOutput.print(out, view);
            return ExitCode.OK;
        }
        out.printf("file              %s%n", view.file());
        out.printf("bugcheck          %s %s%n", view.bugcheck(), view.name());
        out.printf("parameters        %s%n", String.join(", ", view.parameters()));
        if (!view.meaning().isEmpty()) {
            out.printf("meaning           %s%n", view.meaning());
        }
        out.printf("dump              %s, %s, %d processors, build %d%n", view.dumpType(), view.machine(),
                view.processors(), view.build());
        out.printf("time              %s (up %s)%n", view.time(), view.upTime());
        analysis.header().bitmapPresentPages().ifPresent(p -> out.printf("pages present     %d%n", p));
        if (analysis.modules().isEmpty()) {
            out.println("stack             not in this dump (it holds no memory this reader can walk)");
        } else {
            out.printf("modules loaded    %d%n", analysis.modules().size());
            view.overflowedStack().ifPresent(o -> out.printf("overflowed stack  %s%n", o.describe()));
            out.printf("modules on stack  %s%n", view.modulesOnStack());
            out.printf("crash module      %s%n", view.crashModule().orElse("unknown"));
            out.printf("recursion         %s%n", view.recursionDepth() == 0 ? "none"
                    : view.recursionFrame().orElse("?") + " repeats " + view.recursionDepth() + " times");
            if (!view.recursionPattern().isEmpty()) {
                out.printf("one turn          %s%n", String.join(" < ", view.recursionPattern()));
            }
            out.println(view.overflowedStack().isPresent() ? "overflowed stack (innermost first):"
                    : "stack (top first):");
            view.stack().stream().limit(32).forEach(f -> out.println("  " + f));
            if (view.stack().size() > 32) {
                out.printf("  ... %d more%n", view.stack().size() - 32);
            }
        }
        view.notes().forEach(n -> out.printf("note              %s%n", n));
        out.printf("verdict           %s%n", view.verdict());
        out.flush();
        return ExitCode.OK;
    }
}
