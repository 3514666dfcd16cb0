package dev.xidlab.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model's dump writers and the Java reader share one layout: gcc reads the C table, Java holds the other. */
class DumpLayoutTest {

    @TempDir
    Path work;

    @Test
    void gccPrintsExactlyTheStructsAndFieldsJavaKnowsInTheSameOrder() throws Exception {
        List<String> lines = DumpLayoutProbe.compileAndPrint(DumpLayoutProbe.SIM_DIR, work);

        assertEquals(DumpLayoutProbe.javaLines(), lines);
    }

    @Test
    void aFieldMovedInTheCHeaderDoesNotCompile() throws Exception {
        String header = Files.readString(DumpLayoutProbe.SIM_DIR.resolve(DumpLayoutProbe.HEADER));
        String moved = header.replaceFirst("BugCheckCode,( +)0x0038", "BugCheckCode,$10x003C");
        assertTrue(!moved.equals(header), "the test moved a field");
        Files.writeString(work.resolve(DumpLayoutProbe.HEADER), moved);

        AssertionError error = assertThrows(AssertionError.class,
                () -> DumpLayoutProbe.compileAndPrint(work, work));

        assertTrue(error.getMessage().contains("XM_DUMP_HEADER64_BugCheckCode"), error.getMessage());
    }

    @Test
    void aFieldOnlyTheCHeaderHasShowsInWhatGccPrints() throws Exception {
        String header = Files.readString(DumpLayoutProbe.SIM_DIR.resolve(DumpLayoutProbe.HEADER));
        Files.writeString(work.resolve(DumpLayoutProbe.HEADER), header.replace(
                "    FIELD(TRIAGE_DUMP64, TriageOptions,", "    FIELD(TRIAGE_DUMP64, BrokenDriverOffset, 0x40, 4) \\\n"
                        + "    FIELD(TRIAGE_DUMP64, TriageOptions,"));

        List<String> lines = DumpLayoutProbe.compileAndPrint(work, work);

        assertTrue(lines.contains("field TRIAGE_DUMP64.BrokenDriverOffset 0x40 4"), lines.toString());
        assertTrue(!lines.equals(DumpLayoutProbe.javaLines()));
    }

    @Test
    void everyStructsFieldsLieInsideItInOffsetOrder() {
        for (DumpLayout.Struct s : DumpLayout.Struct.values()) {
            long end = 0;
            for (DumpLayout f : s.fields()) {
                assertTrue(f.offset >= end, f + " overlaps the field before it");
                end = f.offset + f.size;
            }
            assertTrue(end <= s.size, s + " holds its fields");
        }
    }
}
