package dev.xidlab.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One page of the project's documentation as a reader sees it (README.md, docs/*.md, vagrant/README.md): its fenced
 * code blocks, and its inline code spans outside them, each with the line it starts on.
 */
public record DocPage(Path file, List<String> lines) {

    public static final Path PROJECT = Path.of(System.getProperty("xidlab.projectDir", ".")).toAbsolutePath()
            .normalize();

    private static final Pattern FENCE = Pattern.compile("^\\s*```.*$");
    private static final Pattern SPAN = Pattern.compile("`([^`]+)`");

    /** A fenced code block: its lines without the fences, the first of them at firstLine (1-based). */
    public record Block(DocPage page, int firstLine, List<String> lines) {
        public String where(int index) {
            return page.name() + ":" + (firstLine + index);
        }
    }

    /** An inline code span; one a line break splits is joined with a space, as a reader reads it. */
    public record Span(DocPage page, int line, String text) {
        public String where() {
            return page.name() + ":" + line;
        }
    }

    /** README.md, every page under docs/, and the VM lab's guest-side README. */
    public static List<DocPage> all() {
        List<Path> files = new ArrayList<>(List.of(PROJECT.resolve("README.md")));
        try (Stream<Path> docs = Files.list(PROJECT.resolve("docs"))) {
            docs.filter(f -> f.toString().endsWith(".md")).sorted().forEach(files::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        files.add(PROJECT.resolve("vagrant/README.md"));
        return files.stream().map(DocPage::read).toList();
    }

    public static DocPage read(Path file) {
        try {
            return new DocPage(file, Files.readAllLines(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The page's path from the project's root, as the docs and the failures name it. */
    public String name() {
        return PROJECT.relativize(file).toString();
    }

    public String text() {
        return String.join("\n", lines) + "\n";
    }

    public List<Block> blocks() {
        List<Block> blocks = new ArrayList<>();
        int open = -1;
        for (int i = 0; i < lines.size(); i++) {
            if (FENCE.matcher(lines.get(i)).matches()) {
                if (open < 0) {
                    open = i + 1;
                } else {
                    blocks.add(new Block(this, open + 1, List.copyOf(lines.subList(open, i))));
                    open = -1;
                }
            }
        }
        return blocks;
    }

    /** The page's text outside its code blocks, a block's lines left empty so that line numbers stay. */
    public String prose() {
        StringBuilder prose = new StringBuilder();
        boolean inBlock = false;
        for (String line : lines) {
            boolean fence = FENCE.matcher(line).matches();
            prose.append(inBlock || fence ? "" : line).append('\n');
            inBlock ^= fence;
        }
        return prose.toString();
    }

    public List<Span> spans() {
        String prose = prose();
        List<Span> spans = new ArrayList<>();
        Matcher m = SPAN.matcher(prose);
        while (m.find()) {
            int line = 1 + (int) prose.substring(0, m.start()).chars().filter(c -> c == '\n').count();
            // A table cell escapes its pipes; the reader sees them plain.
            spans.add(new Span(this, line, m.group(1).replaceAll("\\s*\\n\\s*", " ").replace("\\|", "|")));
        }
        return spans;
    }
}
