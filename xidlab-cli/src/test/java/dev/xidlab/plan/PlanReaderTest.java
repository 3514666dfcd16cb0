package dev.xidlab.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.device.ModelOptions;
import dev.xidlab.load.MemoryPressure;
import dev.xidlab.protocol.GuardFlag;
import dev.xidlab.protocol.Operation;
import dev.xidlab.protocol.RegistrationFlag;
import dev.xidlab.protocol.XidMode;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PlanReaderTest {

    static final String PLAN = """
            name: vendor-fix
            runs: 12
            seed: 7
            threshold: 0.2
            maxCoverageLoss: 0.1
            stress:
              workers: 2
              pressure: low
              operations: 5000
            configurations:
              - name: field
                role: baseline
                mode: lookup
              - name: skip-read-paging
                skipFor:
                  read: skip-paging-io
                guard: nesting,low-stack
                guardStack: 4096
                load: own
                stress:
                  seconds: 30
            """;

    static String message(String text) {
        return assertThrows(PlanException.class, () -> PlanReader.parse(text, "plan.yaml", false)).getMessage();
    }

    @Test
    void aYamlPlanReadsEveryKey() throws Exception {
        Plan p = PlanReader.parse(PLAN, "plan.yaml", false);

        assertEquals("vendor-fix", p.name());
        assertEquals(12, p.runs());
        assertEquals(7, p.seed());
        assertEquals(0.2, p.threshold());
        assertEquals(0.1, p.maxCoverageLoss());
        PlannedConfig fix = p.configs().get(1);
        assertTrue(fix.ownLoad());
        assertEquals(Role.FIX, fix.role());
        assertEquals(XidMode.LOOKUP, fix.driver().xidMode());
        assertEquals(Set.of(RegistrationFlag.SKIP_PAGING_IO), fix.driver().registration().get(Operation.READ));
        assertEquals(Set.of(), fix.driver().registration().get(Operation.WRITE));
        assertEquals(Set.of(GuardFlag.NESTING, GuardFlag.LOW_STACK), fix.driver().guard());
        assertEquals(2, fix.stress().workers());
        assertEquals(MemoryPressure.LOW, fix.stress().pressure());
        assertEquals(new dev.xidlab.load.Budget(5000, Duration.ofSeconds(30)), fix.stress().budget());
    }

    @Test
    void aJsonPlanReadsTheSame() throws Exception {
        Plan p = PlanReader.parse("{\"name\": \"j\", \"configurations\": [{\"name\": \"f\", \"role\": \"baseline\"},"
                + " {\"name\": \"c\", \"mode\": \"cached\"}]}", "plan.json", true);

        assertEquals(XidMode.CACHED, p.configs().get(1).driver().xidMode());
        assertEquals(DefaultPlan.RUNS, p.runs());
    }

    @Test
    void aFixWithALighterLoadOfItsOwnIsRefusedUnlessItSaysLoadOwn() {
        String m = message("""
                configurations:
                  - {name: field, role: baseline}
                  - name: field-again
                    stress: {pressure: none}
                """);

        assertTrue(m.startsWith("plan.yaml line 4: 'field-again' has a stress block of its own: every configuration"
                + " runs the baseline's load"), m);
    }

    @Test
    void everyFixRunsTheBaselinesLoadWhenTheBaselineBringsItsOwn() throws Exception {
        Plan p = PlanReader.parse("""
                stress: {operations: 5000}
                configurations:
                  - {name: fix, skip: skip-paging-io}
                  - {name: field, role: baseline, stress: {operations: 900, pressure: low}}
                """, "plan.yaml", false);

        assertEquals(p.configs().get(1).stress(), p.configs().get(0).stress());
        assertEquals(900, p.configs().get(0).stress().budget().operations());
        assertFalse(p.configs().get(0).ownLoad());
    }

    @Test
    void theBaselineCannotHaveALoadOfItsOwn() {
        assertEquals("plan.yaml line 2: the baseline's load is the one every fix is compared on: 'load: own' is for"
                + " fixes", message("""
                configurations:
                  - {name: field, role: baseline, load: own}
                """));
    }

    @Test
    void aCoverageShareOutOfRangeIsRefused() {
        assertEquals("plan.yaml line 1: maxCoverageLoss must be a share from 0 up to 1 (0.05 is 5%), not 5",
                message("""
                        maxCoverageLoss: 5
                        configurations:
                          - {name: field, role: baseline}
                        """));
    }

    @Test
    void aCoverageShareAboveTheCapIsRefused() {
        assertTrue(message("""
                runs: 40
                maxCoverageLoss: 0.7
                configurations:
                  - {name: field, role: baseline}
                """).startsWith("plan.yaml line 2: maxCoverageLoss is at most 20% (0.2)"));
    }

    @Test
    void anUnknownKeyIsNamedWithItsLine() {
        assertEquals("plan.yaml line 3: unknown key 'mdoe' in a configuration (known: driver, guard, guardStack, load,"
                + " mode, name, probe, role, selfTest, skip, skipFor, stress)", message("""
                configurations:
                  - name: field
                    mdoe: lookup
                """));
    }

    @Test
    void anUnknownModeIsNamedWithItsLine() {
        assertEquals("plan.yaml line 4: unknown Xid mode 'lokup' (expected one of: off, lookup, requestor, cached)",
                message("""
                        configurations:
                          - name: field
                            role: baseline
                            mode: lokup
                        """));
    }

    @Test
    void negativeRunsAreRefusedWithTheLine() {
        assertEquals("plan.yaml line 1: runs must be 1..100000, not -3", message("""
                runs: -3
                configurations: [{name: f, role: baseline}]
                """));
    }

    @Test
    void aWrongTypeInRunsIsReportedBeforeAConfigurationErrorOnALaterLine() {
        assertEquals("plan.yaml line 2: runs must be a whole number, not 'forty'", message("""
                name: x
                runs: forty
                configurations:
                  - {name: f, role: bogus}
                """));
    }

    @Test
    void aWrongTypeInSeedIsReportedBeforeAConfigurationsErrorOnALaterLine() {
        assertEquals("plan.yaml line 2: seed must be a whole number, not 'abc'", message("""
                name: x
                seed: abc
                configurations: 3
                """));
    }

    @Test
    void aConfigurationErrorIsReportedBeforeAWrongTypeInRunsOnALaterLine() {
        assertEquals("plan.yaml line 2: unknown role 'bogus' (expected one of: baseline, fix, control)", message("""
                configurations:
                  - {name: f, role: bogus}
                runs: forty
                """));
    }

    @Test
    void aWrongTypeInRunsComesBeforeTheMissingConfigurationsWhichHaveNoLine() {
        assertEquals("plan.yaml line 2: runs must be a whole number, not 'forty'", message("""
                name: x
                runs: forty
                """));
    }

    @Test
    void anUnknownFlagIsRefusedWithTheLine() {
        assertTrue(message("""
                configurations:
                  - {name: f, role: baseline}
                  - {name: g, skip: skip-everything}
                """).startsWith("plan.yaml line 3: unknown registration flag 'skip-everything'"));
    }

    @Test
    void aPlanWithoutABaselineIsRefused() {
        assertTrue(message("configurations: [{name: f}]\n")
                .contains("a plan needs exactly one baseline configuration"));
    }

    @Test
    void aThresholdThatIsNotARateIsRefused() {
        assertEquals("plan.yaml line 1: threshold must be between 0 and 1 (a crash rate), not 5", message("""
                threshold: 5
                configurations: [{name: f, role: baseline}]
                """));
    }

    @Test
    void aStackGuardWithoutAThresholdIsRefused() {
        assertTrue(message("""
                configurations:
                  - {name: f, role: baseline, guard: low-stack}
                """).contains("guard stack threshold must be 1024..20480"));
    }

    @Test
    void brokenYamlIsOneLineWithItsLine() {
        String m = message("configurations:\n  - name: [unclosed\n");

        assertTrue(m.startsWith("plan.yaml line "), m);
        assertEquals(1, m.lines().count());
    }

    @Test
    void aYamlPlanNested20000DeepIsAPlanErrorWithItsLine() {
        String m = message("name: deep\nconfigurations: " + "[".repeat(20_000) + "\n");

        assertEquals("plan.yaml line 2: not a plan: lists or mappings nested more than 1000 levels deep", m);
    }

    @Test
    void aJsonPlanNested20000DeepIsAPlanErrorWithItsLine() {
        String m = assertThrows(PlanException.class, () -> PlanReader.parse("{\"configurations\":\n"
                + "[".repeat(20_000), "plan.json", true)).getMessage();

        assertEquals("plan.json line 2: not a plan: lists or mappings nested more than 1000 levels deep", m);
    }

    @Test
    void aModelBlockSetsTheKernelModelsOptions() throws Exception {
        Plan p = PlanReader.parse(PLAN + "model: {dump: kernel, pagingPath: store, sameThreadFault: wait,"
                + " pagingRequestor: any-process}\n", "plan.yaml", false);

        assertEquals(new ModelOptions(ModelOptions.Dump.KERNEL, ModelOptions.PagingPath.STORE,
                ModelOptions.SameThreadFault.WAIT, ModelOptions.PagingRequestor.ANY_PROCESS), p.model());
        assertEquals(ModelOptions.DEFAULTS, PlanReader.parse(PLAN, "plan.yaml", false).model());
    }

    @Test
    void anUnknownModelKeyOrValueIsRefusedWithItsLine() {
        assertEquals("plan.yaml line 23: unknown key 'paging' in model (known: dump, filterFrames, pagingPath,"
                + " pagingRequestor, sameThreadFault)", message(PLAN + "model:\n  paging: store\n"));
        assertEquals("plan.yaml line 23: unknown same-thread fault 'retry' (expected one of: refault, wait)",
                message(PLAN + "model:\n  sameThreadFault: retry\n"));
    }

    @Test
    void theFieldPlanInTheRepositoryReads() throws Exception {
        Plan p = PlanReader.read(FieldPlanTest.FIELD_PLAN);

        assertEquals("field", p.name());
        assertEquals(MemoryPressure.AGING_HIGH, p.baseline().stress().pressure());
        assertEquals(ModelOptions.DEFAULTS, p.model());
    }
}
