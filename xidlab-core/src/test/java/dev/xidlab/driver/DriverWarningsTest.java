package dev.xidlab.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xidlab.testing.ExternalCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The driver compiles without a single warning under -Wconversion -Wsign-conversion, with gcc for the host (the
 * kernel model's compiler, LP64) and with mingw-w64 for the kernel (LLP64), where MSVC's /W4 C4267 and C4244 live.
 * gcc is not MSVC: it does not flag a narrow value plus a constant stored back narrow ({@code USHORT x =
 * Path->Length + sizeof(WCHAR)}, the C4267 the review found), because it sees the sum fits; such sites were
 * reviewed by hand and cast after an explicit range check. The compiler lines are driver/Makefile's (targets
 * core-syntax, kernel-syntax, print-kernel-flags).
 */
class DriverWarningsTest {

    static final String MINGW = "x86_64-w64-mingw32-gcc";

    @TempDir
    Path work;

    @Test
    void theCoreCompilesCleanlyForTheHost() throws Exception {
        assertCompilesCleanly("core-syntax");
    }

    @Test
    void everyKernelSourceCompilesCleanlyWithMingw() throws Exception {
        assumeTrue(ExternalCommand.onPath(MINGW), MINGW + " is not installed: the kernel sources were not compiled");
        assertCompilesCleanly("kernel-syntax");
    }

    /** driver/Makefile's {@code target} succeeds and the compiler says nothing: no error, no warning. */
    private void assertCompilesCleanly(String target) throws Exception {
        ExternalCommand result = DriverBuild.make(work, target, null);

        assertEquals(0, result.exitCode(), result.output());
        assertEquals("", result.output());
    }

    @Test
    void theseFlagsStopASizeTTruncationAsMsvcsC4267Does() throws Exception {
        assumeTrue(ExternalCommand.onPath(MINGW), MINGW + " is not installed");
        Path source = work.resolve("c4267.c");
        Files.writeString(source, "#include <ntifs.h>\n"
                + "USHORT XfLength(SIZE_T Bytes) { return Bytes; }\n");
        List<String> cc = new ArrayList<>(List.of(MINGW, "-fsyntax-only"));
        cc.addAll(DriverBuild.kernelFlags(work));
        cc.add(source.toString());

        ExternalCommand result = ExternalCommand.run(work, cc);

        assertNotEquals(0, result.exitCode());
        assertTrue(result.output().contains("may change value"), result.output());
    }
}
