package dev.xidlab.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xidlab.testing.ExternalCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every shell script of the project is shellcheck clean: its findings are fixed in the script, or disabled on the
 * one line where the code is right, with a comment saying why (never for a whole file).
 */
class ShellcheckTest {

    @Test
    void theScriptsAreFoundWhereTheyLive() {
        List<String> found = ProjectScripts.shellScripts().stream().map(ProjectScripts::relative).toList();

        assertTrue(found.contains("scripts/test.sh"), found.toString());
        assertTrue(found.contains(".ci/run"), found.toString());
        assertTrue(found.contains("scripts/netns/bin/java"), found.toString());
    }

    @Test
    void everyShellScriptIsShellcheckClean() throws Exception {
        assumeTrue(ExternalCommand.onPath("shellcheck"),
                "shellcheck is not installed (apt-get install shellcheck; the README's test command installs it)");
        List<String> command = new ArrayList<>(List.of("shellcheck", "--external-sources", "--format=gcc"));
        ProjectScripts.shellScripts().stream().map(ProjectScripts::relative).forEach(command::add);

        ExternalCommand run = ExternalCommand.run(ProjectScripts.PROJECT, command);

        assertEquals(0, run.exitCode(), String.join(" ", command) + "\n" + run.output());
    }

    @Test
    void aDisabledCheckSaysWhy() throws Exception {
        for (Path script : ProjectScripts.shellScripts()) {
            List<String> lines = Files.readAllLines(script);
            for (int i = 0; i < lines.size(); i++) {
                String line = lines.get(i).strip();
                if (line.startsWith("# shellcheck disable=")) {
                    boolean reasonAfter = line.matches("# shellcheck disable=\\S+\\s+#\\s*\\S.*");
                    boolean reasonAbove = i > 0 && lines.get(i - 1).strip().matches("#\\s*\\S.*")
                            && !lines.get(i - 1).startsWith("#!");
                    assertTrue(reasonAfter || reasonAbove,
                            ProjectScripts.relative(script) + ":" + (i + 1) + ": say why the code is right: " + line);
                }
            }
        }
    }
}
