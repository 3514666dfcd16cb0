package dev.xidlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import dev.xidlab.device.KernelModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Every xidlab command the README and docs/ show is real and run by a test. Each one, in the prose or in a code
 * block, names real subcommands and options. Each one in a code block parses as the command line would parse it
 * and is either run here, in-process on the kernel model, with the exit code its page states and the lines its page
 * shows it printing, or is run by the test the table below names (one that needs a VM lab or Windows, or inputs a
 * page describes rather than shows). A new command in a code block that no rule covers fails here with its line.
 */
class DocumentedCommandsTest {

    /** Where a documented command is run: here (testClass null), or by the named test class. */
    private record Rule(Pattern command, String testClass, String how) {
        static Rule here(String regex) {
            return new Rule(Pattern.compile(regex), null, "run here on the kernel model");
        }

        static Rule by(String regex, String testClass, String how) {
            return new Rule(Pattern.compile(regex), testClass, how);
        }

        boolean covers(DocumentedCommand c) {
            return command.matcher(c.line()).matches();
        }
    }

    /** The first rule that covers a command decides; the words matched are the command's after the program. */
    private static final List<Rule> RULES = List.of(
            Rule.by("matrix --lab vagrant --allow-stand-in .*", "StandInLabIT",
                    "a matrix through the VM lab's host side on the stand-in guest, vagrant in a container"),
            Rule.by("matrix --plan vendor\\S*\\.yaml --lab vagrant", "ForeignDriverStandInIT",
                    "a plan with the user's driver packages and the control on the stand-in guest, stand-in builds"),
            Rule.by("matrix --lab vagrant .*", "ForeignDriverStandInIT",
                    "the VM lab's matrix loop (crash, reboot, next run) on the stand-in guest: no Windows box here"),
            Rule.by("lab up( .*)?", "ForeignDriverStandInIT",
                    "what lab up does before a matrix: host checks, boot, the driver deployed and answering,"
                            + " the guest's checks"),
            Rule.by("lab doctor( .*)?", "LabDoctorTest", "every host and guest check with its fix, on scripted"
                    + " hosts and guests (what it finds depends on the host)"),
            Rule.by("driver lint target/driver/fixed/.*", "ReadmeLintExampleTest",
                    "runs it as shown on the cross-built driver and compares what it prints line by line"),
            Rule.by("matrix --plan quiet-site\\.yaml .*", "MatrixMergeBySiteTest",
                    "makes quiet-site.yaml from the profile as the page says, and runs both sites"),
            Rule.by("matrix merge --site .*", "MatrixMergeBySiteTest", "merges the two sites' matrices"),
            Rule.by("driver \\S+ --device windows( .*)?", "WindowsDeviceTest",
                    "every request through the loaded driver, elevated on Windows (DriverCommandTest runs the same"
                            + " commands on --device sim)"),
            Rule.by("crashes scan C:\\\\.*", "CrashesCommandTest", "crashes scan of a directory of dumps"),
            Rule.here("matrix(?! merge)(?!.* --lab ).*"),
            Rule.here("crashes (show|profile) .*"),
            Rule.here("stress(?!.* --lab ).*"));

    /** Options whose value is a file or directory: relative ones are made the test's own. */
    private static final Set<String> PATH_OPTIONS = Set.of("--report", "--out", "--result", "--sarif", "--evidence",
            "--symbols", "--plan");
    private static final Pattern PATH_LIKE = Pattern.compile(".*/.*|[\\w.-]+\\.(yaml|yml|json|jsonl|dmp|DMP|sys)");
    private static final Pattern OPTION = Pattern.compile("--(\\[no-])?([a-z][a-z0-9-]*)");
    private static final Pattern PROJECT_FILE = Pattern.compile(
            "(?<![\\w/.-])(?:scripts|\\.ci|vagrant)[/\\\\][\\w./\\\\-]*\\w");

    /** A run of a command that reads nothing an earlier command made: the same text is run once for every page. */
    private static final Map<String, CliRun> RUNS = new HashMap<>();

    @TempDir
    Path dir;

    @Test
    void theCommandsAreFound() {
        List<DocumentedCommand> all = DocumentedCommand.all();

        DocumentedCommand first = all.stream().filter(c -> c.inBlock() && c.where().startsWith("README.md:"))
                .findFirst().orElseThrow();
        assertEquals("./xidlab matrix", first.shown());
        assertEquals(0, first.exit().orElseThrow());
        assertTrue(all.stream().filter(DocumentedCommand::inBlock).count() >= 15, all.toString());
        assertTrue(all.stream().anyMatch(c -> !c.inBlock() && c.line().startsWith("crashes profile DUMP|DIR...")),
                "the README's commands table is read");
    }

    @Test
    void everyDocumentedCommandNamesRealSubcommandsAndOptions() {
        CommandLine xidlab = Xidlab.commandLine();
        List<String> problems = new ArrayList<>();
        for (DocumentedCommand c : DocumentedCommand.all()) {
            problems.addAll(unknownNames(xidlab, c));
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void everyCommandInACodeBlockParsesAsTheCommandLineParsesIt() {
        CommandLine xidlab = Xidlab.commandLine();
        for (DocumentedCommand c : blockCommands()) {
            try {
                xidlab.parseArgs(c.args().toArray(String[]::new));
            } catch (CommandLine.ParameterException e) {
                fail(c.where() + ": " + c.shown() + ": " + e.getMessage());
            }
        }
    }

    @Test
    void everyCommandInACodeBlockIsRunByATest() {
        for (DocumentedCommand c : blockCommands()) {
            Rule rule = rule(c).orElseThrow(() -> new AssertionError(c.where() + ": " + c.shown()
                    + ": no test runs this command: add it to " + DocumentedCommandsTest.class.getSimpleName()
                    + "'s table, run here or by the test that runs it"));
            if (rule.testClass() == null) {
                assertTrue(c.exit().isPresent(), c.where() + ": " + c.shown()
                        + ": it runs here: say its exit code in the page (`# exit N`)");
            } else {
                assertTrue(testClassExists(rule.testClass()), c.where() + ": " + c.shown() + ": the test "
                        + rule.testClass() + " (" + rule.how() + ") is not among the compiled tests");
            }
        }
    }

    @TestFactory
    Stream<DynamicTest> theCommandsThatRunOnTheKernelModelDoWhatTheirPagesSay() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (DocPage page : DocPage.all()) {
            Path pageDir = Files.createDirectories(dir.resolve(page.name().replace('/', '_')));
            for (DocumentedCommand c : DocumentedCommand.inBlocks(page)) {
                if (rule(c).map(r -> r.testClass() == null).orElse(false)) {
                    tests.add(dynamicTest(c.where() + ": " + c.shown(), () -> runAsShown(c, pageDir)));
                }
            }
        }
        return tests.stream();
    }

    @Test
    void everyScriptThePagesNameExists() {
        for (DocPage page : DocPage.all()) {
            for (int i = 0; i < page.lines().size(); i++) {
                Matcher m = PROJECT_FILE.matcher(page.lines().get(i));
                while (m.find()) {
                    String path = m.group().replace('\\', '/');
                    assertTrue(Files.exists(DocPage.PROJECT.resolve(path)),
                            page.name() + ":" + (i + 1) + ": " + path + " does not exist");
                }
            }
        }
    }

    private static List<DocumentedCommand> blockCommands() {
        return DocumentedCommand.all().stream().filter(DocumentedCommand::inBlock).toList();
    }

    private static Optional<Rule> rule(DocumentedCommand c) {
        return RULES.stream().filter(r -> r.covers(c)).findFirst();
    }

    /**
     * The subcommands and options a command names that the command line does not have. A template's "a|b" names
     * each of a and b, and "--[no-]x" both forms.
     */
    private static List<String> unknownNames(CommandLine xidlab, DocumentedCommand c) {
        List<CommandLine> at = List.of(xidlab);
        List<String> words = c.args();
        int i = 0;
        for (; i < words.size(); i++) {
            List<CommandLine> next = new ArrayList<>();
            for (CommandLine cl : at) {
                for (String alternative : words.get(i).split("\\|")) {
                    CommandLine sub = cl.getSubcommands().get(alternative);
                    if (sub != null) {
                        next.add(sub);
                    }
                }
            }
            if (next.size() != at.size() * words.get(i).split("\\|").length) {
                break;
            }
            at = next;
        }
        List<String> unknown = new ArrayList<>();
        if (i == 0 && !words.isEmpty() && !words.get(0).startsWith("-")) {
            unknown.add(c.where() + ": " + c.shown() + ": xidlab has no command " + words.get(0));
        }
        for (String word : words.subList(i, words.size())) {
            Matcher m = OPTION.matcher(word);
            while (m.find()) {
                for (CommandLine cl : at) {
                    CommandLine.Model.OptionSpec option = cl.getCommandSpec().findOption("--" + m.group(2));
                    boolean negated = m.group(1) != null;
                    if (option == null || (negated && !option.negatable())) {
                        unknown.add(c.where() + ": " + c.shown() + ": " + cl.getCommandName() + " has no option "
                                + m.group());
                    }
                }
            }
        }
        return unknown;
    }

    private void runAsShown(DocumentedCommand c, Path pageDir) {
        String what = c.where() + ": " + c.shown();
        if (c.args().get(0).equals("matrix") || c.args().get(0).equals("stress")) {
            assumeTrue(KernelModel.unavailableReason().isEmpty(), () -> KernelModel.unavailableReason().get());
        }
        List<String> args = new ArrayList<>();
        boolean readsEarlierOutput = false;
        for (int i = 0; i < c.args().size(); i++) {
            String word = c.args().get(i);
            String before = i == 0 ? "" : c.args().get(i - 1);
            if (before.equals("--site")) {
                String[] planAndResults = word.split("=", 2);
                args.add(path(planAndResults[0], pageDir) + "=" + path(planAndResults[1], pageDir));
            } else if (!word.startsWith("-") && (PATH_OPTIONS.contains(before) || PATH_LIKE.matcher(word).matches())) {
                readsEarlierOutput |= Files.exists(pageDir.resolve(Path.of(word).getName(0).toString()))
                        || word.contains("*");
                args.add(path(word, pageDir));
            } else {
                args.add(word);
            }
        }
        // What the command would write into the directory it runs in goes to the test's own.
        if (args.get(0).equals("matrix") && !args.contains("merge") && !args.contains("--report")) {
            args.addAll(List.of("--report", pageDir.resolve("xidlab-report").toString()));
        }
        if (args.get(0).equals("stress") && !args.contains("--evidence")) {
            args.addAll(List.of("--evidence", pageDir.resolve("xidlab-evidence").toString()));
        }

        CliRun run = readsEarlierOutput ? CliRun.of(args.toArray(String[]::new))
                : RUNS.computeIfAbsent(c.line(), k -> CliRun.of(args.toArray(String[]::new)));

        assertEquals(c.exit().orElseThrow(), run.exitCode(), what + "\n" + run.err());
        List<String> printed = run.out().replace(pageDir + "/", "").replace(DocPage.PROJECT + "/", "").lines()
                .map(DocumentedCommandsTest::stripEnd).toList();
        assertShown(c.output(), printed, what);
    }

    /** A relative path as the test runs it: made by an earlier command here, else the project's, else the test's. */
    private static String path(String word, Path pageDir) {
        Path p = Path.of(word);
        if (p.isAbsolute()) {
            return word;
        }
        String first = p.getName(0).toString();
        Path base = Files.exists(pageDir.resolve(first)) || !Files.exists(DocPage.PROJECT.resolve(first))
                ? pageDir : DocPage.PROJECT;
        Path resolved = base.resolve(p);
        if (!word.contains("*")) {
            return resolved.toString();
        }
        PathMatcher glob = FileSystems.getDefault().getPathMatcher("glob:" + resolved.getFileName());
        try (Stream<Path> files = Files.list(resolved.getParent())) {
            List<Path> matched = files.filter(f -> glob.matches(f.getFileName())).toList();
            assertEquals(1, matched.size(), word + " matches " + matched);
            return matched.get(0).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Every line the page shows the command printing is printed, in that order, other lines between them allowed;
     * a line with "..." is the start of a line up to it; blank lines and "..." alone stand for lines left out.
     */
    private static void assertShown(List<String> shown, List<String> printed, String what) {
        int at = 0;
        for (String line : shown) {
            int cut = line.indexOf("...");
            String start = stripEnd(cut < 0 ? line : line.substring(0, cut));
            if (start.isBlank()) {
                continue;
            }
            int found = -1;
            for (int k = at; k < printed.size() && found < 0; k++) {
                if (cut < 0 ? printed.get(k).equals(start) : printed.get(k).startsWith(start)) {
                    found = k;
                }
            }
            if (found < 0) {
                fail(what + ": the page shows the line\n" + line + "\nwhich it does not print after line " + at
                        + ":\n" + String.join("\n", printed));
            }
            at = found + 1;
        }
    }

    private static String stripEnd(String s) {
        return s.stripTrailing();
    }

    /** Whether a test of that name is among the modules' test sources (each module compiles its own). */
    private static boolean testClassExists(String simpleName) {
        try (Stream<Path> modules = Files.list(DocPage.PROJECT)) {
            return modules.map(m -> m.resolve("src/test/java")).filter(Files::isDirectory).anyMatch(tests -> {
                try (Stream<Path> walk = Files.walk(tests)) {
                    return walk.anyMatch(f -> f.getFileName().toString().equals(simpleName + ".java"));
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
