package dev.xidlab.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xidlab.testing.ExternalCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guard against the classic controller/driver mismatch: the Java codec and the C header must agree on every
 * struct size, every field's offset and size, every IOCTL code and every constant.
 */
class WireAbiTest {

    static final Path HEADER_DIR = Path.of(System.getProperty("xidlab.projectDir", "."), "driver", "include");
    static final Path HEADER = HEADER_DIR.resolve("xidfilter_ioctl.h");

    @TempDir
    Path work;

    @Test
    void gccAgreesWithJavaOnEveryStructFieldAndConstant() throws Exception {
        List<String> lines = HeaderAbiProbe.compileAndPrint(HEADER_DIR, work);

        assertEquals(List.of(), HeaderAbiProbe.mismatches(lines));
        long fieldLines = lines.stream().filter(l -> l.startsWith("field ")).count();
        long javaFields = Wire.ALL_STRUCTS.stream().mapToLong(s -> s.fields().size()).sum();
        assertEquals(javaFields, fieldLines, "every Java field was checked by the compiler");
    }

    @Test
    void headerDeclaresExactlyTheFieldsJavaKnowsInTheSameOrder() throws IOException {
        Map<String, List<String>> declared = HeaderAbiProbe.declaredFields(HEADER);

        for (StructLayout s : Wire.ALL_STRUCTS) {
            assertEquals(new ArrayList<>(s.fields().keySet()), declared.get(s.cName()), s.cName());
        }
        assertEquals(Wire.ALL_STRUCTS.size(), declared.size(), "the header has no struct Java does not mirror");
    }

    @Test
    void aFieldMovedInTheHeaderIsCaught() throws Exception {
        Path moved = work.resolve("moved");
        Files.createDirectories(moved);
        String header = Files.readString(HEADER);
        String swapped = header.replaceFirst(
                "(    XF_U32 XidMode;[^\\n]*\\n)(    XF_U32 GuardFlags;[^\\n]*\\n)", "$2$1");
        assertTrue(!swapped.equals(header), "the test moved a field");
        Files.writeString(moved.resolve("xidfilter_ioctl.h"), swapped);

        List<String> problems = HeaderAbiProbe.mismatches(HeaderAbiProbe.compileAndPrint(moved, work));

        assertTrue(problems.stream().anyMatch(p -> p.startsWith("field XF_CONFIG.XidMode:")), problems.toString());
        assertTrue(problems.stream().anyMatch(p -> p.startsWith("field XF_CONFIG.GuardFlags:")),
                problems.toString());
    }

    @Test
    void aFieldTheHeaderLacksDoesNotCompile() throws Exception {
        Path renamed = work.resolve("renamed");
        Files.createDirectories(renamed);
        Files.writeString(renamed.resolve("xidfilter_ioctl.h"),
                Files.readString(HEADER).replace("XF_U64 PagingIoCallbacks;", "XF_U64 PagingCallbacks;"));

        AssertionError error = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> HeaderAbiProbe.compileAndPrint(renamed, work));

        assertTrue(error.getMessage().contains("PagingIoCallbacks"), error.getMessage());
    }

    @Test
    void mingwAgreesWithJavaOnEveryStructFieldAndConstant() throws Exception {
        assumeTrue(ExternalCommand.onPath("x86_64-w64-mingw32-gcc"),
                "x86_64-w64-mingw32-gcc is not installed: the Windows-compiler ABI check was not run");
        Path source = work.resolve("abi_assert.c");
        Files.writeString(source, HeaderAbiProbe.assertions(Wire.ALL_STRUCTS, HeaderAbiProbe.javaConstants()));

        ExternalCommand cc = ExternalCommand.run(work, List.of("x86_64-w64-mingw32-gcc", "-std=c11", "-Wall",
                "-Werror", "-c", "-I", HEADER_DIR.toString(), source.toString(), "-o",
                work.resolve("abi_assert.o").toString()));

        assertEquals(0, cc.exitCode(), cc.output());
    }
}
