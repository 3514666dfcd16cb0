package dev.xidlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The docs hold together: the README stays a page that starts in five minutes, with the test command CI runs, and
 * links every page under docs/; every relative link and every #anchor in the pages leads somewhere.
 */
class DocPagesTest {

    private static final Pattern LINK = Pattern.compile("\\[[^\\]]*]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*)$");

    @Test
    void theReadmeIsShortAndShowsTheTwoCommandsFirst() {
        DocPage readme = DocPage.read(DocPage.PROJECT.resolve("README.md"));

        assertTrue(readme.lines().size() <= 200, "README.md has " + readme.lines().size() + " lines: move text to docs/");
        List<String> first = readme.blocks().get(0).lines();
        assertTrue(first.get(0).startsWith("./xidlab matrix "), first.toString());
        // .ci/run runs this command and nothing else.
        assertTrue(first.get(1).startsWith("bash scripts/test.sh "), first.toString());
    }

    @Test
    void theReadmeLinksEveryPageUnderDocs() throws Exception {
        String readme = Files.readString(DocPage.PROJECT.resolve("README.md"));
        for (DocPage page : DocPage.all()) {
            if (page.name().startsWith("docs/")) {
                assertTrue(readme.contains("](" + page.name() + ")"), "README.md does not link " + page.name());
            }
        }
    }

    @Test
    void everyRelativeLinkAndAnchorLeadsSomewhere() {
        List<String> broken = new ArrayList<>();
        for (DocPage page : DocPage.all()) {
            String prose = page.prose().replaceAll("`[^`]*`", "");
            Matcher m = LINK.matcher(prose);
            while (m.find()) {
                String target = m.group(1);
                if (target.matches("[a-z]+:.*")) {
                    continue;
                }
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                Path to = file.isEmpty() ? page.file() : page.file().getParent().resolve(file).normalize();
                String where = page.name() + ": " + target;
                if (!Files.exists(to)) {
                    broken.add(where + ": no such file");
                } else if (hash >= 0 && !anchors(DocPage.read(to)).contains(target.substring(hash + 1))) {
                    broken.add(where + ": no such heading in " + DocPage.PROJECT.relativize(to));
                }
            }
        }
        assertEquals(List.of(), broken);
    }

    /** The anchors GitHub gives a page's headings: lower case, punctuation dropped, spaces as hyphens. */
    private static List<String> anchors(DocPage page) {
        List<String> anchors = new ArrayList<>();
        String prose = page.prose();
        for (String line : prose.split("\n")) {
            Matcher h = HEADING.matcher(line);
            if (h.matches()) {
                anchors.add(h.group(1).strip().toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "")
                        .replace(' ', '-'));
            }
        }
        return anchors;
    }
}
