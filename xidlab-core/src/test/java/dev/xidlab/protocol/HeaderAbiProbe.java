package dev.xidlab.protocol;

import dev.xidlab.testing.ExternalCommand;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Asks a C compiler what the wire-contract header means: a program generated from the Java layouts prints
 * sizeof/offsetof of every struct and field and the value of every macro the Java side mirrors. A field the Java
 * side names that the header lacks does not compile; a field the header has that Java lacks shows in sizeof and
 * in {@link #declaredFields}.
 */
final class HeaderAbiProbe {

    /** Every macro value the Java side mirrors, by macro name. */
    static Map<String, Long> javaConstants() {
        Map<String, Long> constants = new LinkedHashMap<>();
        constants.put("XF_PROTOCOL_VERSION", (long) Wire.PROTOCOL_VERSION);
        constants.put("XF_STRUCT_VERSION", (long) Wire.STRUCT_VERSION);
        constants.put("XF_DEVICE_TYPE", (long) Wire.DEVICE_TYPE);
        constants.put("XF_OP_COUNT", (long) Wire.OPERATION_COUNT);
        constants.put("XF_GUARD_STACK_MIN", (long) Wire.GUARD_STACK_MIN);
        constants.put("XF_GUARD_STACK_MAX", (long) Wire.GUARD_STACK_MAX);
        constants.put("XF_SELFTEST_MAX_DEPTH", (long) Wire.SELFTEST_MAX_DEPTH);
        constants.put("XF_STACK_NOT_SEEN", Integer.toUnsignedLong(Wire.STACK_NOT_SEEN));
        constants.put("XF_XID_MODE_CURRENT", Integer.toUnsignedLong(Wire.XID_MODE_CURRENT));
        constants.put("XF_XID_MODE_COUNT", (long) XidMode.values().length);
        List<Class<? extends WireConstant>> enums = List.of(Ioctl.class, XidMode.class, Operation.class,
                RegistrationFlag.class, GuardFlag.class, ApplyMode.class, BuildFlavor.class, DriverState.class,
                SetConfigResultFlag.class);
        for (Class<? extends WireConstant> type : enums) {
            for (WireConstant c : type.getEnumConstants()) {
                constants.put(c.cMacro(), Integer.toUnsignedLong(c.wireValue()));
            }
        }
        return constants;
    }

    /** The C program that prints what the compiler makes of the header, one fact a line. */
    static String program(List<StructLayout> structs, Map<String, Long> constants) {
        StringBuilder c = new StringBuilder();
        c.append("#include <stdio.h>\n#include <stddef.h>\n#include \"xidfilter_ioctl.h\"\n");
        c.append("#define FIELD(s, f) printf(\"field %s.%s %u %u\\n\", #s, #f, (unsigned)offsetof(s, f),"
                + " (unsigned)sizeof(((s *)0)->f))\n");
        c.append("int main(void)\n{\n");
        for (StructLayout s : structs) {
            c.append("    printf(\"size ").append(s.cName()).append(" %u\\n\", (unsigned)sizeof(")
                    .append(s.cName()).append("));\n");
            for (String field : s.fields().keySet()) {
                c.append("    FIELD(").append(s.cName()).append(", ").append(field).append(");\n");
            }
        }
        for (String macro : constants.keySet()) {
            c.append("    printf(\"const ").append(macro).append(" %llu\\n\", (unsigned long long)(")
                    .append(macro).append("));\n");
        }
        c.append("    return 0;\n}\n");
        return c.toString();
    }

    /**
     * The same facts as compile-time assertions with the Java side's numbers, for a cross compiler whose output
     * cannot run here: a mismatch is a compile error that names the field.
     */
    static String assertions(List<StructLayout> structs, Map<String, Long> constants) {
        StringBuilder c = new StringBuilder();
        c.append("#include <stddef.h>\n#include \"xidfilter_ioctl.h\"\n");
        int n = 0;
        for (StructLayout s : structs) {
            c.append("_Static_assert(sizeof(").append(s.cName()).append(") == ").append(s.size())
                    .append(", \"size of ").append(s.cName()).append("\");\n");
            for (StructLayout.Field f : s.fields().values()) {
                c.append("_Static_assert(offsetof(").append(s.cName()).append(", ").append(f.name()).append(") == ")
                        .append(f.offset()).append(" && sizeof(((").append(s.cName()).append(" *)0)->")
                        .append(f.name()).append(") == ").append(f.size()).append(", \"").append(s.cName())
                        .append('.').append(f.name()).append("\");\n");
                n++;
            }
        }
        for (Map.Entry<String, Long> e : constants.entrySet()) {
            c.append("_Static_assert((unsigned long long)(").append(e.getKey()).append(") == ")
                    .append(e.getValue()).append("ull, \"").append(e.getKey()).append("\");\n");
        }
        c.append("int xf_abi_checked_fields = ").append(n).append(";\n");
        return c.toString();
    }

    private static final Pattern STRUCT = Pattern.compile(
            "typedef\\s+struct\\s+_(\\w+)\\s*\\{(.*?)\\}\\s*(\\w+)\\s*;", Pattern.DOTALL);
    private static final Pattern MEMBER = Pattern.compile("^\\s*(\\w+)\\s+(\\w+)\\s*(\\[[^]]*])?\\s*;",
            Pattern.MULTILINE);

    /** The field names each struct of the header declares, in order, read from its text. */
    static Map<String, List<String>> declaredFields(Path header) throws IOException {
        String text = Files.readString(header, StandardCharsets.UTF_8).replaceAll("//[^\\n]*", "");
        Map<String, List<String>> structs = new LinkedHashMap<>();
        Matcher m = STRUCT.matcher(text);
        while (m.find()) {
            List<String> fields = new ArrayList<>();
            Matcher f = MEMBER.matcher(m.group(2));
            while (f.find()) {
                fields.add(f.group(2));
            }
            structs.put(m.group(3), fields);
        }
        return structs;
    }

    /** Compiles the printing program against the header in includeDir with gcc, runs it, returns its lines. */
    static List<String> compileAndPrint(Path includeDir, Path work) throws IOException, InterruptedException {
        Path source = work.resolve("abi_probe.c");
        Files.writeString(source, program(Wire.ALL_STRUCTS, javaConstants()));
        Path exe = work.resolve("abi_probe");
        ExternalCommand cc = ExternalCommand.run(work, List.of("gcc", "-std=c11", "-Wall", "-Werror", "-I", includeDir.toString(),
                source.toString(), "-o", exe.toString()));
        if (cc.exitCode() != 0) {
            throw new AssertionError("gcc rejected the ABI probe (a field or macro the Java side names is not in"
                    + " the header?):\n" + cc.output());
        }
        ExternalCommand r = ExternalCommand.run(work, List.of(exe.toString()));
        if (r.exitCode() != 0) {
            throw new AssertionError("ABI probe failed:\n" + r.output());
        }
        return r.output().lines().toList();
    }

    /** Every disagreement between the Java layouts and the compiler's lines; empty when they agree. */
    static List<String> mismatches(List<String> lines) {
        Map<String, String> facts = new LinkedHashMap<>();
        for (String line : lines) {
            String[] parts = line.split(" ", 3);
            facts.put(parts[0] + " " + parts[1], parts[2]);
        }
        List<String> problems = new ArrayList<>();
        for (StructLayout s : Wire.ALL_STRUCTS) {
            expect(problems, facts, "size " + s.cName(), String.valueOf(s.size()));
            for (StructLayout.Field f : s.fields().values()) {
                expect(problems, facts, "field " + s.cName() + "." + f.name(), f.offset() + " " + f.size());
            }
        }
        for (Map.Entry<String, Long> e : javaConstants().entrySet()) {
            expect(problems, facts, "const " + e.getKey(), Long.toUnsignedString(e.getValue()));
        }
        return problems;
    }

    private static void expect(List<String> problems, Map<String, String> facts, String key, String javaValue) {
        String cValue = facts.get(key);
        if (!javaValue.equals(cValue)) {
            problems.add(key + ": C says " + cValue + ", Java says " + javaValue);
        }
    }

    private HeaderAbiProbe() {
    }
}
