package dev.xidlab.matrix;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xidlab.cli.CliRun;
import dev.xidlab.device.KernelModel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kernel model cannot run a foreign binary: a plan that brings one is refused before any run (issue 24). */
class ForeignPlanOnModelTest {

    @TempDir
    Path dir;

    @Test
    void aPlanWithAForeignDriverOnTheModelIsRefusedWithTheReasonAndRunsNothing() {
        assumeTrue(KernelModel.unavailableReason().isEmpty(), () -> KernelModel.unavailableReason().get());

        CliRun r = CliRun.of("matrix", "--plan", "plans/vendor-example.yaml", "--report", dir.toString());

        assertEquals(2, r.exitCode(), r.err());
        assertEquals(1, r.err().strip().lines().count(), r.err());
        assertTrue(r.err().contains("the kernel model (--lab sim) cannot run a foreign binary: configuration"
                + " 'v4.2.1' brings vendorflt.sys (vendor-example/4.2.1/); configuration 'v4.2.2' brings vendorflt.sys"
                + " (vendor-example/4.2.2/vendorflt.sys); environment filter acmeav.sys brings its package"
                + " (vendor-example/site/acme/); run this plan on --lab vagrant"), r.err());
        assertFalse(Files.exists(dir.resolve(MatrixSession.RESULTS)), "nothing ran");
    }
}
