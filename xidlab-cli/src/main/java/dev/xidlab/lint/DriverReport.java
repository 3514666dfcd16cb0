package dev.xidlab.lint;

import java.util.List;

/**
 * What the lint found in one driver image.
 *
 * @param pagingCallbacks how many distinct callbacks are on the paging path (read or write, no SKIP_PAGING_IO)
 */
public record DriverReport(String file, long imageBase, Registrations registrations, int pagingCallbacks,
                           List<Finding> findings) {

    public DriverReport {
        findings = List.copyOf(findings);
    }

    /** Whether any finding is an error: the lint fails (exit 1). */
    public boolean failed() {
        return findings.stream().anyMatch(f -> f.rule().level() == Rule.Level.ERROR);
    }

    public long count(Rule.Level level) {
        return findings.stream().filter(f -> f.rule().level() == level).count();
    }
}
