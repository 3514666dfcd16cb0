package dev.xidlab.verdict;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.plan.DefaultPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The documented verdict rules are the code's: every rule the reports state is in docs/verdict.md. */
class ReadmeVerdictRulesTest {

    @Test
    void theVerdictPageStatesEveryRuleAsTheCodeDoes() throws Exception {
        String page = Files.readString(Path.of(System.getProperty("xidlab.projectDir", "."), "docs/verdict.md"));
        String section = page.substring(page.indexOf("## The rules"));

        for (boolean adaptive : new boolean[] {false, true}) {
            for (boolean choose : new boolean[] {false, true}) {
                for (String rule : VerdictRules.of(DefaultPlan.plan().withChooseAmongFixes(choose), adaptive).text()) {
                    assertTrue(section.contains("- " + rule + "\n"), "docs/verdict.md lacks the rule: " + rule);
                }
            }
        }
    }
}
