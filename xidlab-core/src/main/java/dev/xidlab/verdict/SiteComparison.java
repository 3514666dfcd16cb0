package dev.xidlab.verdict;

import dev.xidlab.json.Json;
import dev.xidlab.plan.Plan;
import dev.xidlab.site.Environment;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Several sites' matrices side by side, one row per site: whether the crash reproduces there and what each fix's
 * verdict is there. Each site keeps its own plan, so the comparison never pools runs across sites: a guard that holds
 * at one site and fails beside another site's filters shows as two different cells in one column.
 */
public record SiteComparison(List<Site> sites) {

    /** One site: the environment its plan stands for (empty for a plan made without a profile) and its verdicts. */
    public record Site(String name, Optional<String> environment, MatrixSummary summary) {
    }

    /** The cell of a configuration a site's plan does not have. */
    static final String ABSENT = "-";

    public SiteComparison {
        sites = List.copyOf(sites);
        Set<String> names = new LinkedHashSet<>();
        for (Site s : sites) {
            if (!names.add(s.name())) {
                throw new IllegalArgumentException("two sites are named '" + s.name() + "': give their plans"
                        + " different names");
            }
        }
    }

    public static Site site(Plan plan, MatrixSummary summary) {
        return new Site(plan.name(), plan.environment().map(Environment::describe), summary);
    }

    /** Every configuration in any site's plan, in the order the plans name them. */
    public List<String> configurations() {
        Set<String> names = new LinkedHashSet<>();
        sites.forEach(s -> s.summary().configs().forEach(c -> names.add(c.name())));
        return List.copyOf(names);
    }

    public List<String> columns() {
        List<String> columns = new ArrayList<>(List.of("site", "lab", "runs"));
        columns.addAll(configurations());
        columns.add("verdict");
        return columns;
    }

    /** A site's row under {@link #columns()}: each configuration as its verdict with its crashes of its runs. */
    public List<String> cells(Site site) {
        List<String> cells = new ArrayList<>(List.of(site.name(), site.summary().lab(),
                String.valueOf(site.summary().recordedRuns())));
        for (String name : configurations()) {
            cells.add(site.summary().configs().stream().filter(c -> c.name().equals(name)).findFirst()
                    .map(c -> c.verdict().label() + " " + c.crashes() + "/" + c.runs()).orElse(ABSENT));
        }
        cells.add(site.summary().verdict().label());
        return cells;
    }

    /** Every site's verdict is CONFIRMED: the fixes hold everywhere they were tried. */
    public boolean confirmedEverywhere() {
        return !sites.isEmpty() && sites.stream().allMatch(s -> s.summary().confirmed());
    }

    public String markdown() {
        StringBuilder md = new StringBuilder("# xidlab matrix by site\n\n");
        List<String> columns = columns();
        md.append("| ").append(String.join(" | ", columns)).append(" |\n|");
        columns.forEach(c -> md.append("---|"));
        md.append("\n");
        for (Site s : sites) {
            md.append("| ").append(String.join(" | ", cells(s))).append(" |\n");
        }
        md.append("\nA cell is the configuration's verdict at that site and its crashes (re-entry or other) of its runs;"
                + " `-`: the site's plan has no such configuration. Each site is judged by its own plan and baseline;"
                + " its own report is in its directory.\n\n## Sites\n\n");
        for (Site s : sites) {
            md.append("- **").append(s.name()).append("**: ").append(s.environment()
                    .orElse("no environment (the lab's own machine)")).append(". ").append(s.summary().reason())
                    .append("\n");
        }
        return md.toString();
    }

    /** sites.md and sites.json in {@code dir}. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("sites.md"), markdown());
        List<Map<String, Object>> json = new ArrayList<>();
        for (Site s : sites) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("site", s.name());
            row.put("environment", s.environment().orElse(null));
            row.put("summary", s.summary());
            json.add(row);
        }
        Json.mapper().writeValue(dir.resolve("sites.json").toFile(), Map.of("sites", json));
    }
}
