package dev.xidlab.dump;

import dev.xidlab.testing.ExternalCommand;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Asks gcc what the model's dump layout header (driver/sim/xm_dump_layout.h) says: a program prints every struct
 * and field of its X-macro tables, so a field only C has shows as a line Java does not expect; the same program
 * asserts at compile time every offset and size {@link DumpLayout} holds, so a field only Java has, or one
 * that moved, does not compile.
 */
final class DumpLayoutProbe {

    static final Path SIM_DIR = Path.of(System.getProperty("xidlab.projectDir", "."), "driver", "sim");
    static final String HEADER = "xm_dump_layout.h";

    private DumpLayoutProbe() {
    }

    /** The lines the probe prints when C and Java agree: every field in order, then every struct's size. */
    static List<String> javaLines() {
        List<String> lines = new ArrayList<>();
        for (DumpLayout f : DumpLayout.values()) {
            lines.add(String.format("field %s.%s 0x%X %d", f.struct, f.field, f.offset, f.size));
        }
        for (DumpLayout.Struct s : DumpLayout.Struct.values()) {
            lines.add(String.format("size %s 0x%X", s, s.size));
        }
        return lines;
    }

    static String program() {
        StringBuilder c = new StringBuilder();
        c.append("#include <stdio.h>\n#include \"").append(HEADER).append("\"\n");
        for (DumpLayout f : DumpLayout.values()) {
            String name = "XM_" + f.struct + "_" + f.field;
            c.append("_Static_assert(").append(name).append(" == ").append(f.offset).append(", \"")
                    .append(name).append(" is at ").append(f.offset).append(" in Java\");\n");
        }
        for (DumpLayout.Struct s : DumpLayout.Struct.values()) {
            c.append("_Static_assert(XM_").append(s).append("_SIZE == ").append(s.size).append(", \"XM_")
                    .append(s).append("_SIZE\");\n");
        }
        c.append("#define PRINT_FIELD(s, f, o, z) printf(\"field %s.%s 0x%X %d\\n\", #s, #f, (unsigned)(o),"
                + " (int)(z));\n");
        c.append("#define PRINT_STRUCT(s, z) printf(\"size %s 0x%X\\n\", #s, (unsigned)(z));\n");
        c.append("int main(void)\n{\n    XM_DUMP_LAYOUT(PRINT_FIELD)\n    XM_DUMP_STRUCTS(PRINT_STRUCT)\n"
                + "    return 0;\n}\n");
        return c.toString();
    }

    /** What the probe compiled against {@code includeDir}'s header prints, one fact a line. */
    static List<String> compileAndPrint(Path includeDir, Path work) throws IOException, InterruptedException {
        Path source = work.resolve("dump_layout_probe.c");
        Files.writeString(source, program());
        Path exe = work.resolve("dump_layout_probe");
        ExternalCommand cc = ExternalCommand.run(work, List.of("gcc", "-std=c11", "-Wall", "-Werror", "-I",
                includeDir.toString(), source.toString(), "-o", exe.toString()));
        if (cc.exitCode() != 0) {
            throw new AssertionError("gcc rejected the dump layout probe (a field Java names is missing or"
                    + " elsewhere in " + HEADER + "?):\n" + cc.output());
        }
        ExternalCommand r = ExternalCommand.run(work, List.of(exe.toString()));
        if (r.exitCode() != 0) {
            throw new AssertionError("dump layout probe failed:\n" + r.output());
        }
        return r.output().lines().toList();
    }
}
