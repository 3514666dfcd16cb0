package dev.xidlab.cli;

import dev.xidlab.command.ExitCode;
import dev.xidlab.lint.LintCorpus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The `xidlab driver lint` example of docs/driver-lint.md (the README's once) is what the command prints: its
 * command is run as shown and its output compared line by line (addresses aside, which another toolchain's build
 * may move).
 */
class ReadmeLintExampleTest {

    private static final Path PROJECT = Path.of(System.getProperty("xidlab.projectDir", "."));

    @Test
    void theLintPagesExampleIsWhatTheCommandPrints() throws Exception {
        assumeTrue(LintCorpus.driverBuilt(), LintCorpus.DRIVER_NOT_BUILT);
        List<String> blocks = codeBlocks(Files.readString(PROJECT.resolve("docs/driver-lint.md")));
        String command = blocks.get(0).strip();
        assertTrue(command.startsWith("./xidlab driver lint "), command);

        List<String> args = new ArrayList<>();
        for (String word : command.substring("./xidlab ".length()).split(" ")) {
            args.add(word.startsWith("target/") ? PROJECT.resolve(word).toString() : word);
        }
        CliRun run = CliRun.of(args.toArray(String[]::new));

        String printed = run.out().replace(PROJECT + "/", "").replace(PROJECT.toAbsolutePath() + "/", "");
        assertEquals(ExitCode.CHECK_FAILED, run.exitCode(), run.err());
        assertEquals(masked(blocks.get(1)), masked(printed));
    }

    private static List<String> codeBlocks(String text) {
        List<String> blocks = new ArrayList<>();
        String[] parts = text.split("```\n?");
        for (int i = 1; i + 1 < parts.length && blocks.size() < 2; i += 2) {
            blocks.add(parts[i]);
        }
        return blocks;
    }

    private static List<String> masked(String text) {
        return Arrays.stream(text.strip().split("\n")).map(l -> l.replaceAll("0x[0-9a-f]{6,}", "0x…")).toList();
    }
}
