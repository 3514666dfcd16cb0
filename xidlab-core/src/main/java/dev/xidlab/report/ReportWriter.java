package dev.xidlab.report;

import dev.xidlab.json.Json;
import dev.xidlab.plan.Percent;
import dev.xidlab.plan.Role;
import dev.xidlab.run.RunRecord;
import dev.xidlab.run.Telemetry;
import dev.xidlab.verdict.ConfigResult;
import dev.xidlab.verdict.MatrixSummary;
import dev.xidlab.verdict.Verdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Writes the reports of a matrix into its report directory: report.md, a self-contained report.html (inline
 * CSS and SVG, no scripts or fonts from anywhere), summary.json and junit.xml. Each states the rules the verdict was
 * given by. In junit.xml every configuration is a test case: a fix fails when it is NOT CONFIRMED or BLIND, the
 * baseline when it did not reproduce the crash (its job); what is INCONCLUSIVE is skipped with its reason.
 */
public final class ReportWriter {

    /** The two depth measures a crash is shown with, explained once for every report. */
    public static final String MEASURES = "Callback nesting is the driver's own count of how deep its pre-operation"
            + " callback was nested on one thread (its telemetry); repeats of the recursing frame count how often the"
            + " most repeated frame occurs in the stack the dump captured, which a minidump cuts short, so it can be"
            + " lower for the same crash.";

    /** The columns of the results table, the same in every report and on the terminal. */
    public static final List<String> COLUMNS = List.of("configuration", "role", "runs", "crashes", "re-entry",
            "hangs", "lab errors", "rate", "95% bound", "p (McNemar)", "coverage", "verdict");

    /** The driver's counters per configuration; paging I/O a fix no longer sees is its cost, shown here. */
    static final List<String> TELEMETRY_COLUMNS = List.of("configuration", "callback nesting",
            "min stack left (bytes)", "callbacks", "paging-I/O callbacks", "non-paging per operation",
            "paging I/O per operation", "guard skips");

    private ReportWriter() {
    }

    public static void write(Path dir, MatrixSummary summary) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.md"), markdown(summary));
        Files.writeString(dir.resolve("report.html"), html(summary));
        Files.writeString(dir.resolve("junit.xml"), junit(summary));
        Json.mapper().writeValue(dir.resolve("summary.json").toFile(), summary);
    }

    /** One configuration's row under {@link #COLUMNS}. */
    public static List<String> cells(ConfigResult c) {
        return List.of(c.name(), c.role().label(), String.valueOf(c.runs()), String.valueOf(c.crashes()),
                String.valueOf(c.reentryCrashes()), String.valueOf(c.hangs()), labErrors(c),
                Percent.of(c.rate()), c.boundText(),
                c.pValue().map(p -> String.format(Locale.ROOT, "%.2g", p)).orElse("-"),
                c.coverage().map(cov -> Percent.of(1 - cov.lost())).orElse("-"), c.verdict().label());
    }

    /** "3", or "5 (2 after load)": the lab errors after the load started are runs and failures, the rest excused. */
    static String labErrors(ConfigResult c) {
        int all = c.labErrors() + c.labErrorsAfterLoad();
        return c.labErrorsAfterLoad() == 0 ? String.valueOf(all) : all + " (" + c.labErrorsAfterLoad() + " after load)";
    }

    /** What the columns mean, under every table. */
    public static String legend(MatrixSummary s) {
        return "rate: the baseline's re-entry crashes, a fix's failures (crashes, hangs, lab errors after the load"
                + " started), per run; lab errors: those before the load started are excused, not runs, those after"
                + " it are runs and failures; 95% bound: one-sided, "
                + (s.adaptive() ? "anytime-valid for the baseline and exact for the fixes"
                : "exact (Clopper-Pearson)") + "; p: McNemar's exact test, one-sided, of a fix's failures against"
                + " the baseline's re-entry crashes in the runs paired by seed" + (s.adaptive()
                ? " (not given for adaptive runs: on samples stopped by what they showed it is no p-value)" : "")
                + "; coverage: the non-paging callbacks per operation a fix still sees, against the baseline's."
                + (s.chooseAmongFixes() ? " Fixes chosen among: every CONFIRMED holds at 5% for all of them together"
                + " (Holm)." : " Each fix's verdict holds at 5% on its own.");
    }

    /** "adaptive: 85 of 200 budgeted runs, 115 saved", or the fixed plan's count. */
    public static String runsLine(MatrixSummary s) {
        return s.adaptive()
                ? String.format(Locale.ROOT, "adaptive: %d of %d budgeted runs recorded, %d saved", s.recordedRuns(),
                s.plannedRuns(), s.runsSaved())
                : String.format(Locale.ROOT, "%d of %d planned runs recorded", s.recordedRuns(), s.plannedRuns());
    }

    static String markdown(MatrixSummary s) {
        StringBuilder md = new StringBuilder();
        md.append("# xidlab matrix: ").append(s.plan()).append("\n\n");
        md.append("**Verdict: ").append(s.verdict().label()).append("** - ").append(s.reason()).append("\n\n");
        md.append("Lab `").append(s.lab()).append("`, ").append(runsLine(s)).append(", threshold ")
                .append(Percent.of(s.threshold())).append(", plan fingerprint `").append(s.fingerprint())
                .append("`.\n\n");
        if (s.model() != null) {
            md.append("Kernel model: ").append(s.model()).append(".\n\n");
        }
        md.append("| ").append(String.join(" | ", COLUMNS)).append(" |\n|---|---|---:|---:|---:|---:|---:|---:|---|---:"
                + "|---:|---|\n");
        for (ConfigResult c : s.configs()) {
            md.append("| ").append(String.join(" | ", cells(c))).append(" |\n");
        }
        md.append("\n").append(legend(s)).append("\n\n## Why\n\n");
        for (ConfigResult c : s.configs()) {
            md.append("- **").append(c.name()).append("**: ").append(c.reason()).append("\n");
        }
        md.append("\n## Telemetry\n\n| ").append(String.join(" | ", TELEMETRY_COLUMNS)).append(" |\n"
                + "|---|---:|---:|---:|---:|---:|---:|---:|\n");
        for (ConfigResult c : s.configs()) {
            md.append("| ").append(String.join(" | ", telemetryCells(c))).append(" |\n");
        }
        representative(s).ifPresent(c -> {
            RunRecord r = c.representativeCrash().orElseThrow();
            md.append("\n## A representative crash (").append(r.id()).append(")\n\n`").append(r.describeCrash())
                    .append("`, dump `").append(r.crash().flatMap(RunRecord.Crash::dump).orElse("-")).append("`\n\n")
                    .append(MEASURES).append("\n\n```\n").append(String.join("\n", c.representativeStack()))
                    .append("\n```\n");
        });
        if (!s.labErrors().isEmpty()) {
            md.append("\n## Lab errors\n\nEach run's evidence directory holds `lab-error.txt` and what the lab saw"
                    + " (its step trace, the guest's log and console).\n\n");
            s.labErrors().forEach(e -> md.append("- `").append(e.run()).append("`: ").append(e.reason())
                    .append(" (evidence: `").append(e.evidence()).append("/`)\n"));
        }
        md.append("\n## How the verdict is given\n\n");
        s.rules().forEach(rule -> md.append("- ").append(rule).append("\n"));
        return md.toString();
    }

    private static List<String> telemetryCells(ConfigResult c) {
        Telemetry t = c.telemetry();
        return List.of(c.name(), String.valueOf(t.maxNestingDepth()),
                t.stackSeen() ? String.valueOf(t.minRemainingStack()) : "-", String.valueOf(t.callbacks()),
                String.valueOf(t.pagingIoCallbacks()),
                c.perOperation().map(o -> String.format(Locale.ROOT, "%.3f", o.nonPagingCallbacks())).orElse("-"),
                c.perOperation().map(o -> String.format(Locale.ROOT, "%.3f", o.pagingIoCallbacks())).orElse("-"),
                String.valueOf(t.guardSkips()));
    }

    /**
     * The baseline's crash when it has one (with a control ahead of it, the crash the user's own build made, its
     * frames in its own module), else the first configuration's that has one.
     */
    private static Optional<ConfigResult> representative(MatrixSummary s) {
        java.util.function.Predicate<ConfigResult> crashed = c -> c.representativeCrash().isPresent()
                && !c.representativeStack().isEmpty();
        return s.configs().stream().filter(crashed).filter(c -> c.role() == Role.BASELINE).findFirst()
                .or(() -> s.configs().stream().filter(crashed).findFirst());
    }

    static String html(MatrixSummary s) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>xidlab matrix: ")
                .append(esc(s.plan())).append("</title>\n<style>\n")
                .append("body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:1em 0}")
                .append("td,th{border:1px solid #bbb;padding:4px 8px;text-align:right}td:first-child,th:first-child")
                .append("{text-align:left}.CONFIRMED,.REPRODUCED{color:#176d2b}.NOT_CONFIRMED,.NOT_REPRODUCED,.BLIND")
                .append("{color:#b3261e}.INCONCLUSIVE{color:#8a5a00}pre{background:#f4f4f4;padding:1em}")
                .append(".legend{font-size:90%;color:#555}\n</style></head><body>\n");
        h.append("<h1>xidlab matrix: ").append(esc(s.plan())).append("</h1>\n");
        h.append("<p id=\"verdict\" class=\"").append(s.verdict().name()).append("\"><strong>Verdict: ")
                .append(s.verdict().label()).append("</strong> &mdash; ").append(esc(s.reason())).append("</p>\n");
        h.append("<p>Lab <code>").append(esc(s.lab())).append("</code>, ").append(esc(runsLine(s)))
                .append(", threshold ").append(Percent.of(s.threshold())).append(".</p>\n");
        if (s.model() != null) {
            h.append("<p id=\"model\">Kernel model: ").append(esc(s.model())).append(".</p>\n");
        }
        h.append(chart(s));
        h.append("<table><tr>");
        COLUMNS.forEach(col -> h.append("<th>").append(esc(col)).append("</th>"));
        h.append("</tr>\n");
        for (ConfigResult c : s.configs()) {
            List<String> cells = cells(c);
            h.append("<tr>");
            for (int i = 0; i < cells.size(); i++) {
                h.append(i == cells.size() - 1 ? "<td class=\"" + c.verdict().name() + "\">" : "<td>")
                        .append(esc(cells.get(i))).append("</td>");
            }
            h.append("</tr>\n");
        }
        h.append("</table>\n<p class=\"legend\">").append(esc(legend(s))).append("</p>\n<ul>\n");
        for (ConfigResult c : s.configs()) {
            h.append("<li><strong>").append(esc(c.name())).append("</strong>: ").append(esc(c.reason()))
                    .append("</li>\n");
        }
        h.append("</ul>\n<h2>Telemetry</h2>\n<table><tr>");
        TELEMETRY_COLUMNS.forEach(col -> h.append("<th>").append(esc(col)).append("</th>"));
        h.append("</tr>\n");
        for (ConfigResult c : s.configs()) {
            h.append("<tr>");
            telemetryCells(c).forEach(cell -> h.append("<td>").append(esc(cell)).append("</td>"));
            h.append("</tr>\n");
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
        if (!s.labErrors().isEmpty()) {
            h.append("<h2>Lab errors</h2>\n<ul id=\"lab-errors\">\n");
            s.labErrors().forEach(e -> h.append("<li><code>").append(esc(e.run())).append("</code>: ")
                    .append(esc(e.reason())).append(" (evidence: <a href=\"").append(esc(e.evidence())).append("/\">")
                    .append(esc(e.evidence())).append("/</a>)</li>\n"));
            h.append("</ul>\n");
        }
        h.append("<h2>How the verdict is given</h2>\n<ul id=\"rules\">\n");
        s.rules().forEach(rule -> h.append("<li>").append(esc(rule)).append("</li>\n"));
        h.append("</ul>\n</body></html>\n");
        return h.toString();
    }

    /**
     * Per configuration: its rate as a bar and its one-sided 95% bound as a whisker from the rate (down to the
     * baseline's lower bound, up to a fix's upper bound), against the threshold, as inline SVG.
     */
    static String chart(MatrixSummary s) {
        int rowHeight = 34;
        int left = 170;
        int width = 480;
        int height = 40 + rowHeight * s.configs().size();
        StringBuilder svg = new StringBuilder();
        svg.append("<svg id=\"chart\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").append(left + width + 40)
                .append("\" height=\"").append(height + 20).append("\" role=\"img\" aria-label=\"rate per")
                .append(" configuration\">\n<title>Rate per configuration with its one-sided 95% bound</title>\n");
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
            String colour = c.role() == Role.BASELINE ? "#b3261e" : c.verdict() == Verdict.CONFIRMED ? "#176d2b"
                    : c.verdict() == Verdict.INCONCLUSIVE ? "#8a5a00" : "#b3261e";
            int barWidth = Math.max(2, (int) Math.round(width * c.rate()));
            svg.append("<text x=\"").append(left - 8).append("\" y=\"").append(y + 15)
                    .append("\" font-size=\"13\" text-anchor=\"end\">").append(esc(c.name())).append("</text>\n");
            svg.append("<rect class=\"bar\" x=\"").append(left).append("\" y=\"").append(y).append("\" width=\"")
                    .append(barWidth).append("\" height=\"20\" fill=\"").append(colour).append("\" opacity=\"0.75\"/>\n");
            int x1 = left + (int) Math.round(width * c.rate());
            int x2 = left + (int) Math.round(width * c.bound());
            svg.append("<line x1=\"").append(x1).append("\" y1=\"").append(y + 10).append("\" x2=\"").append(x2)
                    .append("\" y2=\"").append(y + 10).append("\" stroke=\"#222\" stroke-width=\"2\"/>")
                    .append("<line x1=\"").append(x2).append("\" y1=\"").append(y + 4).append("\" x2=\"").append(x2)
                    .append("\" y2=\"").append(y + 16).append("\" stroke=\"#222\" stroke-width=\"2\"/>\n");
            svg.append("<text x=\"").append(left + width + 6).append("\" y=\"").append(y + 15)
                    .append("\" font-size=\"11\">")
                    .append(c.role() == Role.BASELINE ? c.reentryCrashes() : c.crashes() + c.hangs()).append('/')
                    .append(c.runs()).append("</text>\n");
            y += rowHeight;
        }
        return svg.append("</svg>\n").toString();
    }

    static String junit(MatrixSummary s) {
        List<ConfigResult> configs = s.configs();
        long failures = configs.stream().filter(ReportWriter::failed).count();
        long skipped = configs.stream().filter(c -> c.verdict() == Verdict.INCONCLUSIVE).count();
        StringBuilder x = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        x.append("<testsuite name=\"xidlab matrix ").append(attr(s.plan())).append("\" tests=\"")
                .append(configs.size()).append("\" failures=\"").append(failures).append("\" errors=\"0\" skipped=\"")
                .append(skipped).append("\">\n");
        for (ConfigResult c : configs) {
            x.append("  <testcase classname=\"xidlab.matrix.").append(attr(s.plan())).append("\" name=\"")
                    .append(attr(c.name() + (c.role() == Role.BASELINE ? " reproduces the crash" : " holds")))
                    .append("\">");
            if (failed(c)) {
                x.append("\n    <failure message=\"").append(attr(c.verdict().label() + ": " + c.reason()))
                        .append("\">").append(attr(String.join("\n", c.representativeStack())))
                        .append("</failure>\n  ");
            } else if (c.verdict() == Verdict.INCONCLUSIVE) {
                x.append("\n    <skipped message=\"").append(attr(c.verdict().label() + ": " + c.reason()))
                        .append("\"/>\n  ");
            }
            x.append("</testcase>\n");
        }
        return x.append("</testsuite>\n").toString();
    }

    private static boolean failed(ConfigResult c) {
        return c.verdict() == Verdict.NOT_REPRODUCED || c.verdict() == Verdict.NOT_CONFIRMED
                || c.verdict() == Verdict.BLIND;
    }

    static String esc(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    private static String attr(String text) {
        return esc(text).replace("\"", "&quot;");
    }
}
