package dev.xidlab.lab.vm;

import dev.xidlab.lab.runner.ProcessCommandRunner;
import dev.xidlab.verdict.MatrixSummary;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The lab's crash loop held for as long as a real matrix holds it: one stand-in guest through six crash, reboot
 * and next-run cycles in a row (the field configuration's crash, then skip-paging-io's survived run on the rebooted
 * guest, six times) through real Vagrant on the host, with no lab error at all. The loop broke here after the first
 * crash when the panic took back the jar the lab had uploaded but the guest had not yet written to its disk.
 */
class StandInSoakIT {

    private static final int CYCLES = 6;

    @BeforeAll
    static void aHypervisorVagrantAndTheBox() {
        StandInFixture.assumeHypervisorVagrantAndTheBox();
    }

    @Test
    void sixCrashRebootNextRunCyclesInARowWithoutALabError() throws Exception {
        VagrantLab lab = StandInFixture.lab(new ProcessCommandRunner(), "xidlab-it-host-");
        Path report = StandInFixture.reportDir("soak");

        MatrixSummary summary = StandInFixture.matrix(lab, CYCLES, report);

        StandInFixture.assertFieldCrashesAndTheFixSurvives(summary, CYCLES, lab, report);
    }
}
