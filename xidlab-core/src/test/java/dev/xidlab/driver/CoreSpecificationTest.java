package dev.xidlab.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.testing.ExternalCommand;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * The portable core's decisions, one case each, against a scripted platform (driver/tests/xf_core_test.c): the
 * self-test's one page per depth and its maximum depth, nested paging I/O counted by what it was for, a depth
 * that cannot be tracked, the cache's bounded probe through long process churn, the unload decision and what
 * requests get after it, and a failed live re-registration restoring the previous flags. The program is built
 * with the core under the same warnings as the driver (driver/Makefile's target core-test).
 */
class CoreSpecificationTest {

    @TempDir
    Path work;

    @TestFactory
    Stream<DynamicTest> theCoreDoesWhatEachCaseSays() throws Exception {
        Path exe = work.resolve("xf_core_test");
        ExternalCommand build = DriverBuild.make(work, "core-test", work);
        assertEquals(0, build.exitCode(), build.output());

        ExternalCommand run = ExternalCommand.run(work, List.of(exe.toString()));
        List<String> lines = run.output().lines().filter(l -> l.startsWith("ok ") || l.startsWith("not ok "))
                .toList();
        assertFalse(lines.isEmpty(), run.output());

        return lines.stream().map(line -> DynamicTest.dynamicTest(line.replaceFirst("^(not )?ok ", "")
                .replaceFirst(":.*", ""), () -> assertTrue(line.startsWith("ok "), line)));
    }
}
