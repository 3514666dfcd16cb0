package dev.xidlab.lint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xidlab.lint.X64Decoder.Flow;
import dev.xidlab.symbols.PeImage;
import dev.xidlab.testing.ExternalCommand;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decoder agrees with binutils' objdump on every instruction of real images: GCC's (the lint corpus, xidfilter's
 * builds) and MSVC's (two Microsoft drivers): the same length, and the same control flow with the same target.
 */
class DecoderAgainstObjdumpTest {

    static Stream<Path> images() {
        List<Path> images = new ArrayList<>(List.of(LintCorpus.AMDPPM, LintCorpus.WDF, LintCorpus.FIELD,
                LintCorpus.RUNTIME_TABLE));
        for (String c : new String[] {"direct", "chain", "tail", "notify", "pointer", "paged", "create-only"}) {
            images.add(LintCorpus.file(c + ".sys"));
        }
        return images.stream();
    }

    private static final Pattern DIRECT = Pattern.compile("^(?:bnd |notrack )?(call|jmp|j[a-z]+|loop[a-z]*)\\s+"
            + "(?:0x)?([0-9a-f]+)(?: <.*>)?$");
    private static final Pattern RIP_SLOT = Pattern.compile("^(?:rex\\.W |notrack )?(call|jmp)\\s+\\*-?0x[0-9a-f]+"
            + "\\(%rip\\)\\s+# (?:0x)?([0-9a-f]+).*$");
    private static final Pattern INDIRECT = Pattern.compile(
            "^(?:rex\\.W |notrack |rex\\.B |rex )?(call|jmp)\\s+\\*(.*)$");

    @ParameterizedTest
    @MethodSource("images")
    void everyInstructionHasObjdumpsLengthAndFlow(Path image) throws Exception {
        assumeTrue(ExternalCommand.onPath(ObjdumpListing.OBJDUMP), ObjdumpListing.OBJDUMP + " is not installed");
        assumeTrue(Files.isRegularFile(image), image + " was not built (" + LintCorpus.NOT_BUILT + ")");
        DriverImage pe = DriverImage.open(image);
        List<String> disagreements = new ArrayList<>();
        int compared = 0;
        for (ObjdumpListing.Line line : ObjdumpListing.of(image).instructions()) {
            if (line.text().startsWith("(bad)") || line.text().startsWith(".byte")) {
                continue;                           // bytes objdump itself could not decode (padding at the end)
            }
            long rva = line.address() - pe.imageBase();
            PeImage.Section section = pe.sectionAt(rva).orElseThrow();
            X64Decoder.Instruction mine = X64Decoder.decode(pe.bytes(section), (int) (rva - section.rva()),
                    line.address());
            compared++;
            String expected = expectedFlow(line.text());
            String got = describe(mine.flow());
            if (mine.length() != line.length() || !expected.equals(got)) {
                disagreements.add(String.format("0x%x %s: objdump %d bytes %s, decoder %d bytes %s", line.address(),
                        line.text(), line.length(), expected, mine.length(), got));
            }
        }
        assertTrue(compared > 50, image + ": only " + compared + " instructions");
        assertTrue(disagreements.isEmpty(), image + ": " + disagreements.size() + " of " + compared + " differ:\n"
                + String.join("\n", disagreements.subList(0, Math.min(40, disagreements.size()))));
    }

    @Test
    void theCorpusShowsEveryControlFlowFormTheLintFollows() throws Exception {
        assumeTrue(LintCorpus.built(), LintCorpus.NOT_BUILT);
        Set<String> forms = new TreeSet<>();
        for (String c : new String[] {"direct", "chain", "tail", "notify", "pointer", "paged", "create-only"}) {
            DriverImage pe = DriverImage.open(LintCorpus.file(c + ".sys"));
            for (PeImage.Section s : pe.sections()) {
                if (!s.executable()) {
                    continue;
                }
                byte[] code = pe.bytes(s);
                for (int at = 0; at < code.length; ) {
                    X64Decoder.Instruction i = X64Decoder.decode(code, at, s.rva() + at);
                    form(code, at, i.flow()).ifPresent(forms::add);
                    at += i.length();
                }
            }
        }
        assertEquals(new TreeSet<>(List.of("E8 call rel32", "E9 jmp rel32", "EB jmp rel8", "Jcc", "FF 15 call [rip]",
                "FF 25 jmp [rip]", "48 FF 25 jmp [rip]", "call register", "call memory", "ret")), forms);
    }

    private static java.util.Optional<String> form(byte[] code, int at, Flow flow) {
        int op = code[at] & 0xFF;
        String name = null;
        if (flow instanceof Flow.Call) {
            name = "E8 call rel32";
        } else if (flow instanceof Flow.Jump j) {
            name = j.conditional() ? "Jcc" : op == 0xEB ? "EB jmp rel8" : "E9 jmp rel32";
        } else if (flow instanceof Flow.ThroughMemory m) {
            name = (op == 0x48 ? "48 " : "") + (m.jump() ? "FF 25 jmp [rip]" : "FF 15 call [rip]");
        } else if (flow instanceof Flow.Indirect i) {
            name = (i.jump() ? "jmp " : "call ") + (i.register() ? "register" : "memory");
        } else if (flow instanceof Flow.Return) {
            name = "ret";
        }
        return java.util.Optional.ofNullable(name);
    }

    /** The flow objdump's text says, in {@link #describe}'s words. */
    private static String expectedFlow(String text) {
        String t = text.replaceAll("^(?:ds |cs |bnd |data16 )+", "");
        Matcher slot = RIP_SLOT.matcher(t);
        if (slot.matches()) {
            return (slot.group(1).equals("jmp") ? "jmp" : "call") + " [0x" + slot.group(2) + "]";
        }
        Matcher indirect = INDIRECT.matcher(t);
        if (indirect.matches()) {
            return "indirect " + indirect.group(1) + (indirect.group(2).startsWith("%") ? " register" : " memory");
        }
        Matcher direct = DIRECT.matcher(t);
        if (direct.matches()) {
            String m = direct.group(1);
            String kind = m.equals("call") ? "call" : m.equals("jmp") ? "jmp" : "jcc";
            return kind + " 0x" + direct.group(2);
        }
        if (t.matches("^(ret|iret|lret)[a-z]*( .*)?$")) {
            return "return";
        }
        if (t.matches("^(int3|ud2|hlt|int\\s+\\$0x29)\\s*$")) {
            return "halt";
        }
        return "plain";
    }

    private static String describe(Flow flow) {
        if (flow instanceof Flow.ThroughMemory m) {
            return (m.jump() ? "jmp" : "call") + " [0x" + Long.toHexString(m.slot()) + "]";
        }
        if (flow instanceof Flow.Indirect i) {
            return "indirect " + (i.jump() ? "jmp" : "call") + (i.register() ? " register" : " memory");
        }
        if (flow instanceof Flow.Call c) {
            return "call 0x" + Long.toHexString(c.target());
        }
        if (flow instanceof Flow.Jump j) {
            return (j.conditional() ? "jcc" : "jmp") + " 0x" + Long.toHexString(j.target());
        }
        if (flow instanceof Flow.Return) {
            return "return";
        }
        if (flow instanceof Flow.Halt) {
            return "halt";
        }
        return flow instanceof Flow.Unknown u ? "unknown (" + u.why() + ")" : "plain";
    }
}
