package dev.xidlab.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Structure;
import dev.xidlab.testing.ExternalCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The structures JNA hands the kernel-model library are laid out as gcc lays out xidmodel.h's: a program compiled
 * against the header prints each struct's size and each field's offset, and the JNA side must agree.
 */
class ModelAbiTest {

    /** driver/Makefile builds the probe (target model-probe): the C flags live there. */
    static final Path DRIVER = Path.of(System.getProperty("xidlab.projectDir", "."), "driver").toAbsolutePath();

    @TempDir
    Path dir;

    @Test
    void everyStructurePassedToTheModelHasTheHeadersSizeAndOffsets() throws Exception {
        assumeTrue(ExternalCommand.onPath("gcc"), "gcc is not on PATH");
        Map<String, Structure> structures = new LinkedHashMap<>();
        structures.put("XM_PROFILE", new ModelLibrary.Profile());
        structures.put("XM_RESULT", new ModelLibrary.Result());
        structures.put("XM_OPTIONS", new ModelLibrary.Options());
        structures.put("XM_RESIDENT_FILTER", new ModelLibrary.ResidentFilter());
        structures.put("XM_ENVIRONMENT", new ModelLibrary.Environment());
        Map<String, List<String>> fields = Map.of(
                "XM_ENVIRONMENT", List.of("Size", "Build", "Processors", "FilterAltitudeThousandths", "PhysicalPages",
                        "FilterCount", "Reserved", "Filters"),
                "XM_RESIDENT_FILTER", List.of("Module", "AltitudeThousandths", "FrameBytes", "Flags", "Reserved"));

        StringBuilder c = new StringBuilder("#include <stdio.h>\n#include <stddef.h>\n#include \"xidmodel.h\"\n"
                + "int main(void)\n{\n");
        structures.keySet().forEach(s -> c.append("    printf(\"").append(s).append(" %u\\n\", (unsigned)sizeof(")
                .append(s).append("));\n"));
        fields.forEach((s, names) -> names.forEach(f -> c.append("    printf(\"").append(s).append('.').append(f)
                .append(" %u\\n\", (unsigned)offsetof(").append(s).append(", ").append(f).append("));\n")));
        c.append("    return 0;\n}\n");
        Files.writeString(dir.resolve("probe.c"), c);
        ExternalCommand compiled = ExternalCommand.run(dir, List.of("make", "-s", "-C", DRIVER.toString(),
                "model-probe", "OUT=" + dir.toAbsolutePath(), "PROBE=" + dir.resolve("probe.c").toAbsolutePath()));
        assertEquals(0, compiled.exitCode(), compiled.output());
        ExternalCommand probe = ExternalCommand.run(dir, List.of(dir.resolve("probe").toString()));

        Map<String, Integer> c99 = new LinkedHashMap<>();
        probe.output().lines().map(l -> l.split(" ")).forEach(p -> c99.put(p[0], Integer.parseInt(p[1])));
        Map<String, Integer> jna = new LinkedHashMap<>();
        structures.forEach((s, st) -> jna.put(s, st.size()));
        for (var e : fields.entrySet()) {
            Structure st = structures.get(e.getKey());
            String[] javaNames = st.getClass().getAnnotation(Structure.FieldOrder.class).value();
            for (int i = 0; i < e.getValue().size(); i++) {
                jna.put(e.getKey() + "." + e.getValue().get(i), offset(st, javaNames[i]));
            }
        }
        assertEquals(c99, jna);
    }

    /** Structure.fieldOffset is protected: JNA's own layout, asked through reflection. */
    private static int offset(Structure s, String field) throws ReflectiveOperationException {
        java.lang.reflect.Method m = Structure.class.getDeclaredMethod("fieldOffset", String.class);
        m.setAccessible(true);
        return (int) m.invoke(s, field);
    }
}
