package dev.xidlab.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.xidlab.crash.CrashAnalyzer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Mutates the real minidump many thousands of times (seeded, so a failure reproduces): every mutant parses or
 * fails with a DumpFormatException naming the file; nothing else escapes, nothing runs out of memory.
 */
class DumpFuzzTest {

    static final int MUTANTS = 20_000;
    /** Where the structure lives: header fields, the triage block, and the start of each list it points to. */
    static final int[][] HOT = {{0, 0x60}, {0x348, 0x450}, {0xF90, 0x1040}, {0x2000, 0x2100},
            {0x10828, 0x10828 + 0x90 * 4}, {0x15d18, 0x15d18 + 0x100}, {0x13a280, 0x13a28c}};

    @Test
    void everyMutantOfTheRealDumpParsesOrFailsWithOneLine() throws Exception {
        byte[] original = Files.readAllBytes(DumpReaderTest.FIXTURE);
        byte[] bytes = original.clone();
        SplittableRandom random = new SplittableRandom(0x51DL);
        int parsed = 0;
        int refused = 0;
        for (int i = 0; i < MUTANTS; i++) {
            int[] touched = new int[16];
            int changes = 1 + random.nextInt(8);
            for (int c = 0; c < changes; c++) {
                int[] region = HOT[random.nextInt(HOT.length)];
                int at = region[0] + random.nextInt(region[1] - region[0]);
                touched[c] = at;
                bytes[at] = switch (random.nextInt(4)) {
                    case 0 -> (byte) random.nextInt(256);
                    case 1 -> (byte) 0xFF;
                    case 2 -> 0;
                    default -> (byte) (bytes[at] ^ (1 << random.nextInt(8)));
                };
            }
            int length = random.nextInt(10) == 0 ? random.nextInt(original.length) : original.length;
            try {
                CrashAnalyzer.analyze(DumpReader.read(bytes, length, Path.of("mutant-" + i + ".dmp")), "xidfilter.sys");
                parsed++;
            } catch (DumpFormatException e) {
                refused++;
                assertTrue(e.getMessage().startsWith("mutant-" + i + ".dmp: "), e.getMessage());
                assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            } catch (RuntimeException | OutOfMemoryError e) {
                fail("mutant " + i + " escaped with " + e, e);
            }
            for (int c = 0; c < changes; c++) {
                bytes[touched[c]] = original[touched[c]];
            }
        }
        assertTrue(parsed > 0 && refused > 0, "parsed " + parsed + ", refused " + refused);
    }
}
