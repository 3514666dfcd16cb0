package dev.xidlab.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xidlab.crash.CrashAnalysis;
import dev.xidlab.crash.CrashAnalyzer;
import dev.xidlab.crash.OverflowScenario;
import dev.xidlab.device.KernelModel;
import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.testing.ModelCrash;
import dev.xidlab.unwind.CallStack;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutates kernel memory dumps of the re-entry crash (a bitmap dump and a full dump with runs) ten thousand times,
 * seeded: header fields, the runs, the bitmap, page-table entries aimed anywhere (outside the file, back at their
 * own table, at huge pages), the module list and the trap frame. Every mutant is read and analysed or refused
 * with one line naming the file; nothing else escapes and the heap stays small. The timeout only guards against
 * a hang (every walk in the reader is bounded); it is not a performance figure.
 */
class KernelDumpFuzzTest {

    static final int MUTANTS = 10_000;

    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void everyMutantOfAKernelDumpIsAnalysedOrRefusedWithOneLine() {
        byte[][] originals = {OverflowScenario.kernelDump().build(), OverflowScenario.kernelDump().runs().build()};
        SplittableRandom random = new SplittableRandom(0xD0BL);
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long before = rt.totalMemory() - rt.freeMemory();
        int analysed = 0;
        int refused = 0;
        int reentry = 0;
        for (int i = 0; i < MUTANTS; i++) {
            byte[] original = originals[i % 2];
            byte[] bytes = original.clone();
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            int changes = 1 + random.nextInt(6);
            for (int c = 0; c < changes; c++) {
                mutate(b, random);
            }
            int length = random.nextInt(12) == 0 ? random.nextInt(bytes.length) : bytes.length;
            String name = "mutant-" + i + ".dmp";
            try {
                CrashAnalysis a = CrashAnalyzer.analyze(DumpReader.read(bytes, length, Path.of(name)),
                        "xidfilter.sys");
                analysed++;
                reentry += a.reentry() ? 1 : 0;
                a.notes().forEach(n -> assertEquals(1, n.lines().count(), n));
            } catch (DumpFormatException e) {
                refused++;
                assertTrue(e.getMessage().startsWith(name + ": "), e.getMessage());
                assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
                fail("mutant " + i + " escaped with " + e, e);
            }
        }
        System.gc();
        long after = rt.totalMemory() - rt.freeMemory();
        assertTrue(analysed > 0 && refused > 0 && reentry > 0,
                "analysed " + analysed + ", refused " + refused + ", still the re-entry crash " + reentry);
        assertTrue(after - before < (64L << 20), "heap grew by " + ((after - before) >> 20) + " MiB");
    }

    /**
     * The kernel model's own kernel dump, whose module images (headers, .pdata, .xdata, code) the stacks are unwound
     * with: mutants of its pages, wherever they fall (headers, function tables, unwind codes, the stacks, the trap
     * frame), end in a chain that stops with a one-line note, never in an exception or a walk without end.
     */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void everyMutantOfTheModelsKernelDumpIsUnwoundOrStoppedWithOneLine(@TempDir Path dir) throws Exception {
        assumeTrue(KernelModel.unavailableReason().isEmpty(), () -> KernelModel.unavailableReason().get());
        byte[] original = Files.readAllBytes(ModelCrash.withKernelDump(DriverConfig.fieldDefault(), dir).dump()
                .orElseThrow());
        int firstPage = (int) ByteBuffer.wrap(original).order(ByteOrder.LITTLE_ENDIAN).getLong(0x2020);
        SplittableRandom random = new SplittableRandom(0x5DA7AL);
        int unwound = 0;
        int stopped = 0;
        for (int i = 0; i < MUTANTS / 5; i++) {
            byte[] bytes = original.clone();
            ByteBuffer b = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
            for (int c = 1 + random.nextInt(8); c > 0; c--) {
                int at = firstPage + random.nextInt(bytes.length - firstPage - 8);
                if (random.nextBoolean()) {
                    b.put(at, (byte) (b.get(at) ^ (1 << random.nextInt(8))));
                } else {
                    b.putLong(at & ~3, random.nextInt(3) == 0 ? wild(random) : random.nextLong(0x100000));
                }
            }
            String name = "mutant-" + i + ".dmp";
            try {
                CrashAnalysis a = CrashAnalyzer.analyze(DumpReader.read(bytes, Path.of(name)), "xidfilter.sys");
                a.notes().forEach(n -> assertEquals(1, n.lines().count(), n));
                for (CallStack stack : a.stacks()) {
                    stack.notes().forEach(n -> assertEquals(1, n.lines().count(), n));
                    assertTrue(stack.frames().size() <= 512, stack.frames().size() + " frames");
                    if (stack.notes().isEmpty() && stack.chainLength() > 100) {
                        unwound++;
                    } else {
                        stopped++;
                    }
                }
            } catch (DumpFormatException e) {
                assertTrue(e.getMessage().startsWith(name + ": "), e.getMessage());
            } catch (RuntimeException | OutOfMemoryError | StackOverflowError e) {
                fail("mutant " + i + " escaped with " + e, e);
            }
        }
        assertTrue(unwound > 0 && stopped > 0, "unwound whole " + unwound + ", stopped " + stopped);
    }

    /** One change where the structure lives. */
    private static void mutate(ByteBuffer b, SplittableRandom random) {
        int size = b.capacity();
        switch (random.nextInt(8)) {
            case 0 -> b.put(random.nextInt(0x60), (byte) random.nextInt(256));                  // header
            case 1 -> b.putLong(0x88 + 8 * random.nextInt(8), wild(random));                       // runs
            case 2 -> b.putLong(0x2000 + 8 * random.nextInt(8), wild(random));                      // bitmap header
            case 3 -> b.put(0x2038 + random.nextInt(0x40), (byte) random.nextInt(256));             // bitmap bits
            case 4 -> b.putLong(8 * random.nextInt(size / 8), pageTableEntry(random));              // any qword: a PTE
            case 5 -> b.putLong(0x348 + 0x98 + 8 * random.nextInt(14), wild(random));               // context
            case 6 -> b.putLong(0x40 + 8 * random.nextInt(4), wild(random));                        // parameters
            default -> b.put(random.nextInt(size), (byte) (b.get(random.nextInt(size)) ^ (1 << random.nextInt(8))));
        }
    }

    private static long wild(SplittableRandom random) {
        return switch (random.nextInt(5)) {
            case 0 -> 0;
            case 1 -> -1;
            case 2 -> random.nextLong();
            case 3 -> random.nextLong(0x10000);
            default -> 0xFFFF800000000000L | random.nextLong(1L << 47);
        };
    }

    /** A page-table entry: present or not, large or not, aimed at a real page, itself, or nowhere. */
    private static long pageTableEntry(SplittableRandom random) {
        long pfn = switch (random.nextInt(3)) {
            case 0 -> 0x100 + random.nextInt(0x80);
            case 1 -> random.nextLong(1L << 40);
            default -> 0x100;
        };
        return (pfn << 12) | random.nextInt(2) | (random.nextInt(4) == 0 ? 0x80 : 0) | (random.nextInt(4) == 0
                ? 0x800 : 0);
    }
}
