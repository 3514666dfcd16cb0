package dev.xidlab.verdict;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.plan.DefaultPlan;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
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

    @Test
    void theVerdictPageStatesTheControlAndProbeRules() throws Exception {
        String page = Files.readString(Path.of(System.getProperty("xidlab.projectDir", "."), "docs/verdict.md"));
        String section = page.substring(page.indexOf("## The rules"));

        List<String> rules = new java.util.ArrayList<>(VerdictRules.of(VerdictControlAndProbeTest.plan(
                Optional.of("probe.exe")), false).text());
        rules.removeAll(VerdictRules.of(DefaultPlan.plan(), false).text());
        rules.removeIf(r -> r.startsWith("Each fix's verdict holds at 5% on its own"));   // this plan has one fix
        assertEquals(2, rules.size(), String.join("\n", rules));
        for (String rule : rules) {
            assertTrue(section.contains("- " + rule + "\n"), "docs/verdict.md lacks the rule: " + rule);
        }
    }
}
