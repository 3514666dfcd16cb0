package dev.xidlab.cli;

import dev.xidlab.command.CommandError;
import dev.xidlab.command.ExitCode;
import dev.xidlab.command.TextOrJsonCommand;
import dev.xidlab.json.Json;
import dev.xidlab.lint.DriverLint;
import dev.xidlab.lint.DriverReport;
import dev.xidlab.lint.FilterRegistration;
import dev.xidlab.lint.Finding;
import dev.xidlab.lint.LintInputException;
import dev.xidlab.lint.Registrations;
import dev.xidlab.lint.Rule;
import dev.xidlab.lint.Sarif;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code xidlab driver lint FILE.sys...}: the paging-path re-entry found in a minifilter binary, no VM needed. */
@Command(name = "lint",
        description = {"Reads minifilter binaries (x64 .sys, no symbols needed): finds each one's constant"
                + " FLT_REGISTRATION, follows every read and write callback registered without SKIP_PAGING_IO"
                + " through its calls, and reports what it reaches.",
                "XL001 paging-reentry (error): a risky import (PsLookupProcessByProcessId and the others of the"
                        + " documented list) is reachable. XL002 pageable-callback (error): such code lies in a PAGE"
                        + " section. XL003 not-followed (warning): an indirect call hides the path. XL004"
                        + " registration-not-found (warning): the registration is built at run time.",
                "Exit 0: no error-level finding; 1: at least one; 2: a file that is missing, not a PE or not x64"
                        + " (nothing else is read)."})
public final class DriverLintCommand extends TextOrJsonCommand {

    @Parameters(arity = "1..*", paramLabel = "FILE.sys", description = "Driver images to lint.")
    List<Path> files;

    @Option(names = "--sarif", paramLabel = "FILE", description = "Also write the findings as SARIF 2.1.0 to FILE.")
    Path sarif;

    @Override
    public Integer call() {
        List<DriverReport> reports;
        try {
            reports = DriverLint.lint(files);
        } catch (LintInputException e) {
            throw new CommandError.Usage(e.getMessage());
        }
        if (sarif != null) {
            writeSarif(reports);
        }
        answer(LintView.of(reports), out -> print(out, reports));
        return reports.stream().anyMatch(DriverReport::failed) ? ExitCode.CHECK_FAILED : ExitCode.OK;
    }

    private void writeSarif(List<DriverReport> reports) {
        try {
            Files.writeString(sarif, Json.mapper().writeValueAsString(
                    Sarif.of(reports, Xidlab.class.getPackage().getImplementationVersion())) + "\n");
        } catch (IOException e) {
            throw new CommandError.Usage(sarif + ": cannot write the SARIF log: " + e.getMessage());
        }
    }

    private static void print(PrintWriter out, List<DriverReport> reports) {
        Set<Rule> fired = EnumSet.noneOf(Rule.class);
        for (DriverReport r : reports) {
            out.printf("%s: %s%n", r.file(), registration(r));
            if (r.registrations() instanceof Registrations.Found found) {
                TextTable table = new TextTable("major", "flags", "pre-operation", "post-operation");
                for (FilterRegistration g : found.registrations()) {
                    for (FilterRegistration.Operation op : g.operations()) {
                        table.row(op.majorName(), op.flagNames().isEmpty() ? "-" : String.join("|", op.flagNames()),
                                callback(r, op.pre()), callback(r, op.post()));
                    }
                }
                table.print(out);
            }
            for (Finding f : r.findings()) {
                fired.add(f.rule());
                out.printf("%s %s %s: %s%n", f.rule().name(), f.rule().level().sarif(), f.rule().ruleName(),
                        f.message());
                if (!f.path().isEmpty()) {
                    out.printf("  path: %s%n", String.join(" -> ", f.path()));
                }
            }
            if (r.findings().isEmpty()) {
                out.println(clean(r));
            }
            out.println();
        }
        for (Rule rule : fired) {
            out.printf("fix %s: %s%n", rule.name(), rule.fix());
        }
        long errors = reports.stream().mapToLong(r -> r.count(Rule.Level.ERROR)).sum();
        long warnings = reports.stream().mapToLong(r -> r.count(Rule.Level.WARNING)).sum();
        out.printf("%d file%s: %d error%s, %d warning%s%n", reports.size(), reports.size() == 1 ? "" : "s", errors,
                errors == 1 ? "" : "s", warnings, warnings == 1 ? "" : "s");
        out.flush();
    }

    private static String clean(DriverReport r) {
        if (!(r.registrations() instanceof Registrations.Found)) {
            return "nothing to check";
        }
        if (r.pagingCallbacks() == 0) {
            return "clean: no callback runs for paging I/O (every read and write has SKIP_PAGING_IO, or none is"
                    + " registered)";
        }
        return "clean: " + r.pagingCallbacks() + " paging-path callback" + (r.pagingCallbacks() == 1 ? "" : "s")
                + " followed, no risky import, pageable code or unfollowed call reached";
    }

    private static String registration(DriverReport r) {
        if (r.registrations() instanceof Registrations.Found found) {
            return String.join(", ", found.registrations().stream().map(g -> "FLT_REGISTRATION at "
                    + LintView.hex(r.imageBase() + g.rva()) + " (" + g.section() + "), " + g.operations().size()
                    + " operation" + (g.operations().size() == 1 ? "" : "s")).toList());
        }
        return r.registrations() instanceof Registrations.NotFoundStatically
                ? "FltRegisterFilter imported, registration not found statically"
                : "not a minifilter (FltRegisterFilter is not imported)";
    }

    private static String callback(DriverReport r, Optional<FilterRegistration.Callback> c) {
        return c.map(x -> LintView.hex(r.imageBase() + x.rva()) + " (" + x.section() + ")").orElse("-");
    }
}
