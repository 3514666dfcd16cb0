package dev.xidlab.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the lint reads from an image and why a finding is or is not made, on the corpus. */
class DriverLintTest {

    @TempDir
    Path dir;

    private static Path corpus(String name) {
        assumeTrue(LintCorpus.built(), LintCorpus.NOT_BUILT);
        return LintCorpus.file(name);
    }

    private static DriverReport lint(Path file) throws LintInputException {
        return DriverLint.lint(List.of(file)).get(0);
    }

    @Test
    void theRiskyListHasEveryImportTheRuleNamesEachWithItsReason() {
        for (String routine : List.of("PsLookupProcessByProcessId", "PsLookupThreadByThreadId",
                "ObReferenceObjectByHandle", "ZwQueryInformationProcess", "ZwOpenProcess", "ZwCreateFile",
                "FltGetFileNameInformation")) {
            String reason = DriverLint.riskyImports().get(routine);
            assertTrue(reason != null && reason.length() > 20, routine + ": " + reason);
        }
    }

    @Test
    void aLookupOnlyAProcessNotifyRoutineMakesIsInTheImageButNotOnThePagingPath() throws Exception {
        Path file = corpus("notify.sys");

        assertTrue(DriverImage.open(file).importedNames().contains("PsLookupProcessByProcessId"));
        assertEquals(List.of(), lint(file).findings());
    }

    @Test
    void aCreateCallbackReachesTheLookupAndIsNotReported() throws Exception {
        Path file = corpus("create-only.sys");
        DriverImage image = DriverImage.open(file);
        FilterRegistration registration = ((Registrations.Found) RegistrationFinder.find(image)).registrations()
                .get(0);
        FilterRegistration.Operation create = registration.operations().get(0);

        assertEquals(FilterRegistration.IRP_MJ_CREATE, create.major());
        assertTrue(new CallGraph(image).reach(create.pre().orElseThrow().rva()).edges().stream()
                .anyMatch(r -> r.edge() instanceof CallGraph.Edge.ToImport i
                        && i.routine().name().equals("PsLookupProcessByProcessId")), "the create callback calls it");
        assertFalse(create.onPagingPath());
        assertEquals(List.of(), lint(file).findings());
    }

    @Test
    void theFlagSetOnTheOperationTakesItsCallbackOffThePagingPath() throws Exception {
        FilterRegistration.Operation read = ((Registrations.Found) RegistrationFinder.find(
                DriverImage.open(corpus("direct-skip.sys")))).registrations().get(0).operations().get(0);

        assertEquals(List.of("SKIP_PAGING_IO"), read.flagNames());
        assertFalse(read.onPagingPath());
    }

    @Test
    void dataShapedLikeARegistrationWhosePointersAreWrongIsNotOne() throws Exception {
        Path original = corpus("direct.sys");
        DriverImage image = DriverImage.open(original);
        FilterRegistration found = ((Registrations.Found) RegistrationFinder.find(image)).registrations().get(0);
        byte[] bytes = Files.readAllBytes(original);
        int field = (int) image.file().fileOffset(found.rva() + 0x10).orElseThrow();
        ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        // The operation table pointer now points at the callback's code, which no operation table is.
        b.putLong(field, image.imageBase() + found.operations().get(0).pre().orElseThrow().rva());
        Path patched = dir.resolve("patched.sys");
        Files.write(patched, bytes);

        DriverReport report = lint(patched);
        assertInstanceOf(Registrations.NotFoundStatically.class, report.registrations());
        assertEquals(Rule.XL004, report.findings().get(0).rule());
    }
}
