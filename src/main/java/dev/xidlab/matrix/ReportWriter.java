package dev.xidlab.matrix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Writes the reports of a matrix into its report directory: report.md, a self-contained report.html (inline
 * CSS and SVG, no scripts or fonts from anywhere), summary.json and junit.xml. In junit.xml every configuration
 * is a test case: a fix fails when it crashed, the baseline fails when it did not reproduce the crash (its job).
 */
public final class ReportWriter {

    /** The two depth measures a crash is shown with, explained once for every report. */
    public static final String MEASURES = "Callback nesting is the driver's own count of how deep its pre-operation"
            + " callback was nested on one thread (its telemetry); repeats of the recursing frame count how often the"
            + " most repeated frame occurs in the stack the dump captured, which a minidump cuts short, so it can be"
            + " lower for the same crash.";

    private ReportWriter() {
    }

    public static void write(Path dir, MatrixSummary summary) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.md"), markdown(summary));
        Files.writeString(dir.resolve("report.html"), html(summary));
        Files.writeString(dir.resolve("junit.xml"), junit(summary));
        dev.xidlab.json.Json.mapper().writeValue(dir.resolve("summary.json").toFile(), summary);
    }

    static String percent(double rate) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * rate);
    }

    static String markdown(MatrixSummary s) {
        StringBuilder md = new StringBuilder();
        md.append("# xidlab matrix: ").append(s.plan()).append("\n\n");
        md.append("**Verdict: ").append(s.verdict().label()).append("** - ").append(s.reason()).append("\n\n");
        md.append("Lab `").append(s.lab()).append("`, ").append(s.recordedRuns()).append(" of ")
                .append(s.plannedRuns()).append(" planned runs recorded, threshold ").append(percent(s.threshold()))
                .append(" (exact Clopper-Pearson 95% intervals), plan fingerprint `").append(s.fingerprint())
                .append("`.\n\n");
        md.append("| configuration | role | runs | crashes | re-entry | other | lab errors | re-entry rate | 95% interval"
                + " | verdict |\n|---|---|---:|---:|---:|---:|---:|---:|---|---|\n");
        for (ConfigResult c : s.configs()) {
            md.append("| ").append(c.name()).append(" | ").append(c.role().label()).append(" | ").append(c.runs())
                    .append(" | ").append(c.crashes()).append(" | ").append(c.reentryCrashes()).append(" | ")
                    .append(c.otherCrashes()).append(" | ").append(c.labErrors()).append(" | ")
                    .append(percent(c.reentryRate().rate())).append(" | ").append(percent(c.reentryRate().lower()))
                    .append(" - ").append(percent(c.reentryRate().upper())).append(" | ").append(c.verdict().label())
                    .append(" |\n");
        }
        md.append("\n## Why\n\n");
        for (ConfigResult c : s.configs()) {
            md.append("- **").append(c.name()).append("**: ").append(c.reason()).append("\n");
        }
        md.append("\n## Telemetry\n\n| configuration | max nesting | min stack left (bytes) | callbacks | paging-I/O"
                + " callbacks | guard skips |\n|---|---:|---:|---:|---:|---:|\n");
        for (ConfigResult c : s.configs()) {
            Telemetry t = c.telemetry();
            md.append("| ").append(c.name()).append(" | ").append(t.maxNestingDepth()).append(" | ")
                    .append(t.stackSeen() ? String.valueOf(t.minRemainingStack()) : "-").append(" | ")
                    .append(t.callbacks()).append(" | ").append(t.pagingIoCallbacks()).append(" | ")
                    .append(t.guardSkips()).append(" |\n");
        }
        representative(s).ifPresent(c -> {
            RunRecord r = c.representativeCrash().orElseThrow();
            md.append("\n## A representative crash (").append(r.id()).append(")\n\n`").append(r.describeCrash())
                    .append("`, dump `").append(r.crash().flatMap(RunRecord.Crash::dump).orElse("-")).append("`\n\n")
                    .append(MEASURES).append("\n\n```\n").append(String.join("\n", c.representativeStack()))
                    .append("\n```\n");
        });
        return md.toString();
    }

    private static java.util.Optional<ConfigResult> representative(MatrixSummary s) {
        return s.configs().stream().filter(c -> c.representativeCrash().isPresent()
                && !c.representativeStack().isEmpty()).findFirst();
    }

    static String html(MatrixSummary s) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>xidlab matrix: ")
                .append(esc(s.plan())).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}")
                .append("td,th{border:1px solid #bbb;padding:4px 8px;text-align:right}td:first-child,th:first-child")
                .append("{text-align:left}.CONFIRMED,.REPRODUCED{color:#176d2b}.NOT_CONFIRMED,.NOT_REPRODUCED")
                .append("{color:#b3261e}.INCONCLUSIVE{color:#8a5a00}pre{background:#f4f4f4;padding:1em}\n")
                .append("</style></head><body>\n");
        h.append("<h1>xidlab matrix: ").append(esc(s.plan())).append("</h1>\n");
        h.append("<p id=\"verdict\" class=\"").append(s.verdict().name()).append("\"><strong>Verdict: ")
                .append(s.verdict().label()).append("</strong> &mdash; ").append(esc(s.reason())).append("</p>\n");
        h.append("<p>Lab <code>").append(esc(s.lab())).append("</code>, ").append(s.recordedRuns()).append(" of ")
                .append(s.plannedRuns()).append(" planned runs, threshold ").append(percent(s.threshold()))
                .append(", exact 95% intervals.</p>\n");
        h.append(chart(s));
        h.append("<table><tr><th>configuration</th><th>role</th><th>runs</th><th>crashes</th><th>re-entry</th>"
                + "<th>other</th><th>lab errors</th><th>rate</th><th>95% interval</th><th>verdict</th></tr>\n");
        for (ConfigResult c : s.configs()) {
            h.append("<tr><td>").append(esc(c.name())).append("</td><td>").append(c.role().label())
                    .append("</td><td>").append(c.runs()).append("</td><td>").append(c.crashes()).append("</td><td>")
                    .append(c.reentryCrashes()).append("</td><td>").append(c.otherCrashes()).append("</td><td>")
                    .append(c.labErrors()).append("</td><td>").append(percent(c.reentryRate().rate()))
                    .append("</td><td>").append(percent(c.reentryRate().lower())).append(" &ndash; ")
                    .append(percent(c.reentryRate().upper())).append("</td><td class=\"").append(c.verdict().name())
                    .append("\">").append(c.verdict().label()).append("</td></tr>\n");
        }
        h.append("</table>\n<ul>\n");
        for (ConfigResult c : s.configs()) {
            h.append("<li><strong>").append(esc(c.name())).append("</strong>: ").append(esc(c.reason()))
                    .append("</li>\n");
        }
        h.append("</ul>\n<h2>Telemetry</h2>\n<table><tr><th>configuration</th><th>max nesting</th>"
                + "<th>min stack left</th><th>callbacks</th><th>paging-I/O callbacks</th><th>guard skips</th></tr>\n");
        for (ConfigResult c : s.configs()) {
            Telemetry t = c.telemetry();
            h.append("<tr><td>").append(esc(c.name())).append("</td><td>").append(t.maxNestingDepth())
                    .append("</td><td>").append(t.stackSeen() ? String.valueOf(t.minRemainingStack()) : "-")
                    .append("</td><td>").append(t.callbacks()).append("</td><td>").append(t.pagingIoCallbacks())
                    .append("</td><td>").append(t.guardSkips()).append("</td></tr>\n");
        }
        h.append("</table>\n");
        representative(s).ifPresent(c -> {
            RunRecord r = c.representativeCrash().orElseThrow();
            h.append("<h2>A representative crash: ").append(esc(r.id())).append("</h2>\n<p><code>")
                    .append(esc(r.describeCrash())).append("</code>, dump <code>")
                    .append(esc(r.crash().flatMap(RunRecord.Crash::dump).orElse("-"))).append("</code></p>\n<p>")
                    .append(esc(MEASURES)).append("</p>\n<pre id=\"stack\">")
                    .append(esc(String.join("\n", c.representativeStack()))).append("</pre>\n");
        });
        h.append("</body></html>\n");
        return h.toString();
    }

    /** Re-entry crash rate per configuration, with its 95% interval and the threshold, as inline SVG. */
    static String chart(MatrixSummary s) {
        int rowHeight = 34;
        int left = 170;
        int width = 480;
        int height = 40 + rowHeight * s.configs().size();
        StringBuilder svg = new StringBuilder();
        svg.append("<svg id=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(left + width + 40)
                .append("\" height=\"").append(height + 20).append("\" role=\"img\" aria-label=\"re-entry crash rate")
                .append(" per configuration\">\n<title>Re-entry crash rate with its 95% interval</title>\n");
        for (int tick = 0; tick <= 100; tick += 25) {
            int x = left + width * tick / 100;
            svg.append("<line x1=\"").append(x).append("\" y1=\"20\" x2=\"").append(x).append("\" y2=\"")
                    .append(height).append("\" stroke=\"#ddd\"/><text x=\"").append(x).append("\" y=\"")
                    .append(height + 14).append("\" font-size=\"11\" text-anchor=\"middle\">").append(tick)
                    .append("%</text>\n");
        }
        int tx = left + (int) Math.round(width * s.threshold());
        svg.append("<line x1=\"").append(tx).append("\" y1=\"14\" x2=\"").append(tx).append("\" y2=\"")
                .append(height).append("\" stroke=\"#8a5a00\" stroke-dasharray=\"4 3\"/><text x=\"").append(tx)
                .append("\" y=\"11\" font-size=\"11\" text-anchor=\"middle\" fill=\"#8a5a00\">threshold</text>\n");
        int y = 28;
        for (ConfigResult c : s.configs()) {
            Interval i = c.reentryRate();
            String colour = c.role() == Role.BASELINE ? "#b3261e" : c.verdict() == Verdict.CONFIRMED ? "#176d2b"
                    : c.verdict() == Verdict.NOT_CONFIRMED ? "#b3261e" : "#8a5a00";
            int barWidth = Math.max(2, (int) Math.round(width * i.rate()));
            svg.append("<text x=\"").append(left - 8).append("\" y=\"").append(y + 15)
                    .append("\" font-size=\"13\" text-anchor=\"end\">").append(esc(c.name())).append("</text>\n");
            svg.append("<rect class=\"bar\" x=\"").append(left).append("\" y=\"").append(y).append("\" width=\"")
                    .append(barWidth).append("\" height=\"20\" fill=\"").append(colour).append("\" opacity=\"0.75\"/>\n");
            int x1 = left + (int) Math.round(width * i.lower());
            int x2 = left + (int) Math.round(width * i.upper());
            svg.append("<line x1=\"").append(x1).append("\" y1=\"").append(y + 10).append("\" x2=\"").append(x2)
                    .append("\" y2=\"").append(y + 10).append("\" stroke=\"#222\" stroke-width=\"2\"/>")
                    .append("<line x1=\"").append(x1).append("\" y1=\"").append(y + 4).append("\" x2=\"").append(x1)
                    .append("\" y2=\"").append(y + 16).append("\" stroke=\"#222\" stroke-width=\"2\"/>")
                    .append("<line x1=\"").append(x2).append("\" y1=\"").append(y + 4).append("\" x2=\"").append(x2)
                    .append("\" y2=\"").append(y + 16).append("\" stroke=\"#222\" stroke-width=\"2\"/>\n");
            svg.append("<text x=\"").append(left + width + 6).append("\" y=\"").append(y + 15)
                    .append("\" font-size=\"11\">").append(c.reentryCrashes()).append('/').append(c.runs())
                    .append("</text>\n");
            y += rowHeight;
        }
        return svg.append("</svg>\n").toString();
    }

    static String junit(MatrixSummary s) {
        List<ConfigResult> configs = s.configs();
        long failures = configs.stream().filter(ReportWriter::failed).count();
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.append("<testsuite name=\"xidlab matrix ").append(attr(s.plan())).append("\" tests=\"")
                .append(configs.size()).append("\" failures=\"").append(failures).append("\" errors=\"0\">\n");
        for (ConfigResult c : configs) {
            x.append("  <testcase classname=\"xidlab.matrix.").append(attr(s.plan())).append("\" name=\"")
                    .append(attr(c.name() + (c.role() == Role.BASELINE ? " reproduces the crash" : " holds")))
                    .append("\">");
            if (failed(c)) {
                x.append("\n    <failure message=\"").append(attr(c.verdict().label() + ": " + c.reason()))
                        .append("\">").append(attr(String.join("\n", c.representativeStack())))
                        .append("</failure>\n  ");
            }
            x.append("</testcase>\n");
        }
        return x.append("</testsuite>\n").toString();
    }

    private static boolean failed(ConfigResult c) {
        return c.role() == Role.BASELINE ? c.verdict() != Verdict.REPRODUCED : c.crashes() > 0;
    }

    static String esc(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String attr(String text) {
        return esc(text).replace("\"", "&quot;");
    }
}
