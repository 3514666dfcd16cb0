package dev.xidlab.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every PowerShell script states the PowerShell it needs (Windows PowerShell 5.1, what a Windows 10/11 guest has)
 * and runs under strict mode, so a misspelt variable or a property Windows did not return fails where it is, not
 * later as an empty value.
 */
class PowerShellScriptsTest {

    private static final Pattern REQUIRES = Pattern.compile("(?im)^#Requires -Version 5\\.1\\s*$");
    private static final Pattern STRICT = Pattern.compile("(?m)^Set-StrictMode -Version Latest\\s*$");
    /** A variable followed by ':' in a double-quoted string ("$name: ...") is a parse error: it needs ${name}. */
    private static final Pattern SCOPED_LOOKALIKE = Pattern.compile(
            "\"[^\"\\n]*\\$(?!env:|script:|global:|local:|using:)[A-Za-z_][A-Za-z0-9_]*:[^A-Za-z0-9_{][^\"\\n]*\"");

    @Test
    void theScriptsAreFound() {
        List<String> found = ProjectScripts.powerShellScripts().stream().map(ProjectScripts::relative).toList();

        assertTrue(found.containsAll(List.of("scripts/build-driver.ps1", "vagrant/provision/guest-setup.ps1",
                "vagrant/provision/install-driver.ps1", "vagrant/bootstrap/enable-openssh.ps1")), found.toString());
    }

    @Test
    void everyScriptRequiresPowerShell51AndRunsStrict() throws Exception {
        for (Path script : ProjectScripts.powerShellScripts()) {
            String text = Files.readString(script);
            String name = ProjectScripts.relative(script);

            assertTrue(REQUIRES.matcher(text).find(), name + " lacks '#Requires -Version 5.1'");
            assertTrue(STRICT.matcher(text).find(), name + " lacks 'Set-StrictMode -Version Latest'");
            assertEquals(1, STRICT.matcher(text).results().count(), name + ": one strict mode for the whole script");
        }
    }

    @Test
    void strictModeComesBeforeTheFirstCommand() throws Exception {
        for (Path script : ProjectScripts.powerShellScripts()) {
            List<String> code = codeLines(Files.readString(script));
            int strict = code.indexOf("Set-StrictMode -Version Latest");
            // Only the param block may come before it: PowerShell requires param() to be the script's first statement.
            List<String> before = code.subList(0, strict);
            int paramEnd = before.isEmpty() || !before.get(0).startsWith("param(") ? 0 : endOfParam(before);
            assertEquals(before.size(), paramEnd, ProjectScripts.relative(script) + ": before strict mode: " + before);
        }
    }

    @Test
    void noVariableIsFollowedByAColonInAString() throws Exception {
        for (Path script : ProjectScripts.powerShellScripts()) {
            var m = SCOPED_LOOKALIKE.matcher(Files.readString(script));
            assertFalse(m.find(), () -> ProjectScripts.relative(script) + ": " + m.group() + " (write ${name}:)");
        }
    }

    /** The script's lines without comments, comment blocks and blank lines. */
    private static List<String> codeLines(String text) {
        String noBlocks = text.replaceAll("(?s)<#.*?#>", "");
        return noBlocks.lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }

    private static int endOfParam(List<String> lines) {
        int depth = 0;
        for (int i = 0; i < lines.size(); i++) {
            for (char c : lines.get(i).toCharArray()) {
                depth += c == '(' ? 1 : c == ')' ? -1 : 0;
            }
            if (depth == 0) {
                return i + 1;
            }
        }
        return lines.size();
    }
}
