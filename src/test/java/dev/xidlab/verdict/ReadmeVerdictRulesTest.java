package dev.xidlab.verdict;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.plan.DefaultPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's verdict rules are the code's rules: every rule the reports state is in its verdict section. */
class ReadmeVerdictRulesTest {

    @Test
    void theReadmeStatesEveryRuleAsTheCodeDoes() throws Exception {
        String readme = Files.readString(Path.of(System.getProperty("xidlab.projectDir", "."), "README.md"));
        String section = readme.substring(readme.indexOf("## The verdict"));

        for (boolean adaptive : new boolean[] {false, true}) {
            for (boolean choose : new boolean[] {false, true}) {
                for (String rule : VerdictRules.of(DefaultPlan.plan().withChooseAmongFixes(choose), adaptive).text()) {
                    assertTrue(section.contains("- " + rule + "\n"), "README.md lacks the rule: " + rule);
                }
            }
        }
    }
}
