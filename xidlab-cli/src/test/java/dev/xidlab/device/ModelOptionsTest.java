package dev.xidlab.device;

import dev.xidlab.cli.CliRun;
import dev.xidlab.command.ExitCode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import static org.junit.jupiter.api.Assertions.assertEquals;

/** A model's options as the switches the VM lab hands its stand-in guest's load. */
class ModelOptionsTest {

    @Test
    void theDefaultModelNeedsNoSwitches() {
        assertEquals(List.of(), ModelOptions.DEFAULTS.switches());
    }

    @Test
    void everyOptionApartFromTheDefaultsIsASwitchThatXidlabStressTakes() {
        ModelOptions all = ModelOptions.DEFAULTS.withDump(ModelOptions.Dump.KERNEL)
                .withPagingPath(ModelOptions.PagingPath.STORE)
                .withSameThreadFault(ModelOptions.SameThreadFault.WAIT)
                .withPagingRequestor(ModelOptions.PagingRequestor.ANY_PROCESS);

        assertEquals(List.of("--dump", "kernel", "--paging-path", "store", "--same-thread-fault", "wait",
                "--paging-requestor", "any-process"), all.switches());
        List<String> command = new ArrayList<>(List.of("stress", "--lab", "sim", "--pressure", "none", "--operations",
                "50", "--json"));
        command.addAll(all.switches());
        CliRun r = CliRun.of(command.toArray(String[]::new));
        assertEquals(ExitCode.OK, r.exitCode(), r.err());
    }
}
