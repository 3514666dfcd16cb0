package dev.xidlab.cli;

import dev.xidlab.lint.DriverReport;
import dev.xidlab.lint.FilterRegistration;
import dev.xidlab.lint.Finding;
import dev.xidlab.lint.Registrations;
import dev.xidlab.lint.Rule;
import java.util.List;
import java.util.Optional;

/**
 * What {@code driver lint --json} prints: per file, the registration as found (addresses with the image base, in
 * hex), and each finding with its rule, level, message, the callback's address, the path of calls and the fix.
 */
record LintView(List<FileView> files, long errors, long warnings) {

    /** "found", "not found statically" or "not a minifilter". */
    record FileView(String file, String registration, List<RegistrationView> registrations, int pagingCallbacks,
                    List<FindingView> findings, long errors, long warnings) {
    }

    record RegistrationView(String address, String section, List<OperationView> operations) {
    }

    record OperationView(String major, List<String> flags, Optional<String> pre, Optional<String> preSection,
                         Optional<String> post, Optional<String> postSection) {
    }

    record FindingView(String ruleId, String rule, String level, String message, Optional<String> address,
                       List<String> path, Optional<String> why, String fix) {
    }

    static LintView of(List<DriverReport> reports) {
        List<FileView> files = reports.stream().map(LintView::file).toList();
        return new LintView(files, files.stream().mapToLong(FileView::errors).sum(),
                files.stream().mapToLong(FileView::warnings).sum());
    }

    private static FileView file(DriverReport r) {
        List<RegistrationView> registrations = r.registrations() instanceof Registrations.Found found
                ? found.registrations().stream().map(g -> registration(r.imageBase(), g)).toList() : List.of();
        List<FindingView> findings = r.findings().stream().map(LintView::finding).toList();
        return new FileView(r.file(), status(r.registrations()), registrations, r.pagingCallbacks(), findings,
                r.count(Rule.Level.ERROR), r.count(Rule.Level.WARNING));
    }

    static String status(Registrations registrations) {
        if (registrations instanceof Registrations.Found) {
            return "found";
        }
        return registrations instanceof Registrations.NotFoundStatically ? "not found statically"
                : "not a minifilter";
    }

    private static RegistrationView registration(long base, FilterRegistration g) {
        return new RegistrationView(hex(base + g.rva()), g.section(), g.operations().stream()
                .map(op -> new OperationView(op.majorName(), op.flagNames(),
                        op.pre().map(c -> hex(base + c.rva())), op.pre().map(FilterRegistration.Callback::section),
                        op.post().map(c -> hex(base + c.rva())), op.post().map(FilterRegistration.Callback::section)))
                .toList());
    }

    private static FindingView finding(Finding f) {
        return new FindingView(f.rule().name(), f.rule().ruleName(), f.rule().level().sarif(), f.message(),
                f.at().map(a -> hex(a.address())), f.path(),
                f.why().isEmpty() ? Optional.empty() : Optional.of(f.why()),
                f.rule().fix());
    }

    static String hex(long value) {
        return "0x" + Long.toHexString(value);
    }
}
