package dev.xidlab.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An xidlab command the docs show: {@code ./xidlab ...}, {@code xidlab ...} or {@code java -jar ...xidlab.jar ...},
 * after any {@code NAME=value} settings and {@code time}. In a code block a line may start with {@code $ } (then the
 * lines below it, up to the next {@code $ } line, are what it prints), hold several commands joined by {@code &&}
 * or {@code ;}, and end in a comment that states the exit code ({@code # exit 1: NOT CONFIRMED}).
 *
 * @param where  the page and line, as a failure names it
 * @param shown  the command as the page shows it, without its comment
 * @param args   its words after the program
 * @param exit   the exit code the page states, if it states one
 * @param inBlock whether it is in a code block (a command to copy) or inline in the prose (a command named)
 * @param output what the page shows it printing
 */
public record DocumentedCommand(String where, String shown, List<String> args, OptionalInt exit, boolean inBlock,
        List<String> output) {

    private static final Pattern COMMAND = Pattern.compile("(?:[A-Z][A-Z0-9_]*=\\S*\\s+)*(?:time\\s+)?"
            + "(?:\\./xidlab|xidlab|java\\s+-jar\\s+\\S*xidlab\\.jar)(?:\\s+(.*))?");
    private static final Pattern COMMENT = Pattern.compile("\\s+#(?:\\s.*)?$");
    private static final Pattern EXIT = Pattern.compile("\\bexit (\\d)\\b");
    private static final Pattern JOINED = Pattern.compile("\\s*(?:&&|;)\\s+");

    /** Its words joined by single spaces: what the table of tests matches. */
    public String line() {
        return String.join(" ", args);
    }

    /** Every command in every page's code blocks and inline code, in page order. */
    public static List<DocumentedCommand> all() {
        List<DocumentedCommand> all = new ArrayList<>();
        for (DocPage page : DocPage.all()) {
            all.addAll(inBlocks(page));
            all.addAll(inline(page));
        }
        return all;
    }

    public static List<DocumentedCommand> inBlocks(DocPage page) {
        List<DocumentedCommand> commands = new ArrayList<>();
        for (DocPage.Block block : page.blocks()) {
            List<String> lines = block.lines();
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                boolean prompt = line.startsWith("$ ");
                String text = prompt ? line.substring(2) : line;
                Matcher comment = COMMENT.matcher(text);
                OptionalInt exit = OptionalInt.empty();
                if (comment.find()) {
                    Matcher e = EXIT.matcher(comment.group());
                    exit = e.find() ? OptionalInt.of(Integer.parseInt(e.group(1))) : OptionalInt.empty();
                    text = text.substring(0, comment.start());
                }
                List<String> output = new ArrayList<>();
                for (int j = i + 1; prompt && j < lines.size() && !lines.get(j).strip().startsWith("$ "); j++) {
                    output.add(lines.get(j));
                }
                for (String part : JOINED.split(text)) {
                    Matcher m = COMMAND.matcher(part.strip());
                    if (m.matches()) {
                        commands.add(new DocumentedCommand(block.where(i), part.strip(), words(m.group(1)), exit,
                                true, List.copyOf(output)));
                    }
                }
            }
        }
        return commands;
    }

    public static List<DocumentedCommand> inline(DocPage page) {
        List<DocumentedCommand> commands = new ArrayList<>();
        for (DocPage.Span span : page.spans()) {
            Matcher m = COMMAND.matcher(span.text().strip());
            if (m.matches()) {
                commands.add(new DocumentedCommand(span.where(), span.text().strip(), words(m.group(1)),
                        OptionalInt.empty(), false, List.of()));
            }
        }
        return commands;
    }

    /** The words as a POSIX shell splits them, quotes removed (no expansion: a glob stays a glob). */
    static List<String> words(String text) {
        List<String> words = new ArrayList<>();
        if (text == null) {
            return words;
        }
        StringBuilder word = new StringBuilder();
        boolean any = false;
        char quote = 0;
        for (char c : text.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                any = true;
            } else if (Character.isWhitespace(c)) {
                if (any || word.length() > 0) {
                    words.add(word.toString());
                }
                word.setLength(0);
                any = false;
            } else {
                word.append(c);
            }
        }
        if (any || word.length() > 0) {
            words.add(word.toString());
        }
        return words;
    }
}
