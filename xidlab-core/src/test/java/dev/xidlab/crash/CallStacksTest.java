package dev.xidlab.crash;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.xidlab.dump.DumpBuilder;
import dev.xidlab.dump.DumpReader;
import dev.xidlab.unwind.CallStack;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which registers each stack starts from, on hand-made triage dumps. */
class CallStacksTest {

    static final long KE_BUGCHECK_EX = CrashAnalyzerTest.NT + 0x3f5a80;

    private static List<String> origins(byte[] dump) throws Exception {
        return CrashAnalyzer.analyze(DumpReader.read(dump, Path.of("d.dmp")), "xidfilter.sys").stacks().stream()
                .map(CallStack::origin).toList();
    }

    private static DumpBuilder dump() {
        return new DumpBuilder()
                .module("\\SystemRoot\\system32\\ntoskrnl.exe", CrashAnalyzerTest.NT, 0x1046000)
                .module("\\SystemRoot\\System32\\drivers\\xidfilter.sys", CrashAnalyzerTest.FILTER, 0x9000)
                .bugcheck(0xD1, 0, 2, 0, CrashAnalyzerTest.FILTER + 0x1913)
                .stack(CrashAnalyzerTest.NT + 0x40f4e1, CrashAnalyzerTest.FILTER + 0x1913);
    }

    @Test
    void aContextCapturedInsideKeBugCheckExIsTheBugcheckingThreadNotTheFault() throws Exception {
        byte[] d = dump().bugcheckAt(KE_BUGCHECK_EX).contextRip(KE_BUGCHECK_EX + 0x32).build();

        assertEquals(List.of("at KeBugCheckEx (the dump's context record)"), origins(d));
    }

    @Test
    void aContextElsewhereBesideTheBreakpointAtKeBugCheckExIsTheFaults() throws Exception {
        byte[] d = dump().bugcheckAt(KE_BUGCHECK_EX).contextRip(CrashAnalyzerTest.FILTER + 0x1910).build();

        assertEquals(List.of("at the fault (the dump's context record)",
                "at KeBugCheckEx (the exception record's address, the stack from TopOfStack)"), origins(d));
    }

    @Test
    void aDumpWithoutAnExceptionRecordHasOneStackFromItsContext() throws Exception {
        assertEquals(List.of("at KeBugCheckEx (the dump's context record)"), origins(dump().build()));
    }
}
