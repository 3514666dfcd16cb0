package dev.xidlab.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every plan a user can copy (the files in plans/, the YAML plan examples in README.md and docs/*.md) reads, writes
 * and reads back as the same plan with the same fingerprint: what the writer leaves out or spells differently would
 * otherwise change a plan, or refuse a resume, the first time a profile or a tool writes it back.
 */
class PlanRoundTripTest {

    private static final Pattern YAML_BLOCK = Pattern.compile("(?ms)^```ya?ml\\s*\\n(.*?)^```");

    /** A plan file or example: where it is (for the message) and its text. */
    record Example(String where, String text) {
    }

    static List<Example> examples() throws IOException {
        List<Example> all = new ArrayList<>();
        try (Stream<Path> plans = Files.list(Path.of("plans"))) {
            for (Path p : plans.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                all.add(new Example(p.toString(), Files.readString(p)));
            }
        }
        List<Path> pages = new ArrayList<>(List.of(Path.of("README.md")));
        if (Files.isDirectory(Path.of("docs"))) {
            try (Stream<Path> docs = Files.list(Path.of("docs"))) {
                pages.addAll(docs.filter(p -> p.toString().endsWith(".md")).sorted().toList());
            }
        }
        for (Path page : pages) {
            if (!Files.exists(page)) {
                continue;
            }
            String text = Files.readString(page);
            Matcher m = YAML_BLOCK.matcher(text);
            while (m.find()) {
                if (isPlan(m.group(1))) {
                    int line = (int) text.substring(0, m.start()).lines().count() + 1;
                    all.add(new Example(page + " line " + line, m.group(1)));
                }
            }
        }
        return all;
    }

    /** A YAML block is a plan when it lists configurations at its top level (others are results or sites). */
    private static boolean isPlan(String yaml) {
        return yaml.lines().anyMatch(l -> l.startsWith("configurations:"));
    }

    @Test
    void thereAreExamplesToCheck() throws IOException {
        List<Example> all = examples();
        assertFalse(all.isEmpty(), "no plan in plans/ nor in README.md or docs/*.md: the round trip checks nothing");
        assertFalse(all.stream().allMatch(e -> e.where().startsWith("plans")),
                "no plan example found in README.md or docs/*.md (```yaml blocks with configurations:)");
    }

    @TestFactory
    Stream<DynamicTest> readWriteReadGivesTheSamePlan() throws IOException {
        return examples().stream().map(e -> DynamicTest.dynamicTest(e.where(), () -> {
            Plan first = PlanReader.parse(e.text(), e.where(), false);
            String written = PlanWriter.write(first, List.of("written back by " + e.where()));
            Plan again = PlanReader.parse(written, e.where() + " (written back)", false);
            assertEquals(first, again, written);
            assertEquals(first.fingerprint(), again.fingerprint(), written);
            assertEquals(written, PlanWriter.write(again, List.of("written back by " + e.where())));
        }));
    }
}
