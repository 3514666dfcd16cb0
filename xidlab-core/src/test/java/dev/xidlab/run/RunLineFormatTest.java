package dev.xidlab.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xidlab.json.Json;
import dev.xidlab.lab.RunOutcome;
import dev.xidlab.plan.PlanException;
import dev.xidlab.plan.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * results.jsonl outlives the version that wrote it: --resume and matrix merge read files of earlier versions. The
 * lines below were written by the version before runs were built from typed parts; they must read into the same
 * run and write back byte for byte.
 */
class RunLineFormatTest {

    static final String BUGCHECKED = """
            {"type":"run","config":"field","role":"baseline","run":0,"seed":-7995527694508729151,\
            "outcome":"bugchecked","bugcheck":"0x1000007F","bugcheckName":"UNEXPECTED_KERNEL_MODE_TRAP_M",\
            "parameters":["0x8","0xfffff8047e6a9e70","0xffff8504298ba000","0xfffff80477e03c40"],"reentry":true,\
            "crashModule":"xidfilter.sys","recursionDepth":7,"stack":["ntoskrnl.exe+0x2e0f85",\
            "ntoskrnl.exe+0x2fd12e","ntoskrnl.exe+0x2fc757","ntoskrnl.exe+0x2fbcb4","ntoskrnl.exe+0x2a91f2",\
            "ntoskrnl.exe+0x40bd3a","ntoskrnl.exe+0x5a4f8a","ntoskrnl.exe+0x5a4ea6","xidfilter.sys+0x1913",\
            "xidfilter.sys+0x105c","FLTMGR.SYS+0x3f38","FLTMGR.SYS+0x5f7e","ntoskrnl.exe+0x2e0f85",\
            "ntoskrnl.exe+0x2fd12e","ntoskrnl.exe+0x2fc757","ntoskrnl.exe+0x2fbcb4","ntoskrnl.exe+0x2a91f2",\
            "ntoskrnl.exe+0x40bd3a","ntoskrnl.exe+0x5a4f8a","ntoskrnl.exe+0x5a4ea6","xidfilter.sys+0x1913",\
            "xidfilter.sys+0x105c","FLTMGR.SYS+0x3f38","FLTMGR.SYS+0x5f7e"],\
            "dump":"dumps/field/run-0/112526-01.dmp","operations":63,"elapsedMillis":26,"maxNestingDepth":11,\
            "minRemainingStack":1664,"callbacks":79,"pagingIoCallbacks":15,"guardSkips":0}""";
    static final String SURVIVED = """
            {"type":"run","config":"skip-paging-io","role":"fix","run":0,"seed":-7995527694508729151,\
            "outcome":"survived","reentry":false,"operations":20000,"elapsedMillis":5,"maxNestingDepth":1,\
            "minRemainingStack":23104,"callbacks":20000,"pagingIoCallbacks":0,"guardSkips":0}""";
    static final String LAB_ERROR = """
            {"type":"run","config":"cached","role":"fix","run":4,"seed":-42,"outcome":"lab-error","reentry":false,\
            "operations":0,"elapsedMillis":1250,"error":"vagrant up failed: the box is missing"}""";
    /** The VM lab's crash whose guest wrote no dump: a bugcheck from the event log, no telemetry. */
    static final String CRASH_WITHOUT_DUMP = """
            {"type":"run","config":"field","role":"baseline","run":2,"seed":7,"outcome":"bugchecked",\
            "bugcheck":"0x1000007F","bugcheckName":"UNEXPECTED_KERNEL_MODE_TRAP_M","parameters":["0x8","0x0","0x0",\
            "0x0"],"reentry":false,"operations":0,"elapsedMillis":3000,"error":"no dump was written"}""";
    static final String HUNG = """
            {"type":"run","config":"cached","role":"fix","run":3,"seed":9,"outcome":"hung","reentry":false,\
            "operations":900,"elapsedMillis":4260000,"hang":"the load sent nothing for 70 min",\
            "hangBoundMillis":4200000}""";

    /** A hang the VM lab sent an NMI: the dump it forced, and its stack, in the crash's fields. */
    static final String HUNG_WITH_NMI_DUMP = """
            {"type":"run","config":"cached","role":"fix","run":3,"seed":9,"outcome":"hung","bugcheck":"0x00000080",\
            "bugcheckName":"NMI_HARDWARE_FAILURE","parameters":["0x4f4454","0x0","0x0","0x0"],"reentry":false,\
            "crashModule":"xidfilter.sys","recursionDepth":2,"stack":["ntoskrnl.exe+0x2a91f2",\
            "ntoskrnl.exe+0x40bd3a","ntoskrnl.exe+0x5a4f8a","ntoskrnl.exe+0x5a4ea6","xidfilter.sys+0x1913",\
            "xidfilter.sys+0x105c","FLTMGR.SYS+0x3f38","FLTMGR.SYS+0x5f7e"],\
            "dump":"dumps/cached/run-3/120626-00001-01.dmp","operations":0,"elapsedMillis":720000,\
            "hang":"the load did not finish within its bound of 600 s while the guest still answered; an NMI was\
             sent","hangBoundMillis":600000}""";

    final ObjectMapper json = Json.lineMapper();

    @TempDir
    Path dir;

    RunRecord read(String line) throws Exception {
        return json.readValue(line, RunRecord.class);
    }

    @Test
    void everyEarlierLineWritesBackByteForByte() throws Exception {
        for (String line : List.of(BUGCHECKED, SURVIVED, LAB_ERROR, CRASH_WITHOUT_DUMP, HUNG)) {
            assertEquals(line, json.writeValueAsString(read(line)));
        }
    }

    @Test
    void aLineOfAnEarlierVersionHasNoProbeResult() throws Exception {
        assertTrue(read(SURVIVED).probe().isEmpty());
    }

    @Test
    void aProbesExitCodeIsWrittenLastAndReadsBack() throws Exception {
        RunRecord probed = read(SURVIVED).withProbe(new RunRecord.Probe(3));
        String line = json.writeValueAsString(probed);

        assertTrue(line.endsWith(",\"probeExit\":3}"), line);
        assertTrue(read(line).probeFailed());
    }

    @Test
    void aReentryCrashReadsIntoItsParts() throws Exception {
        RunRecord r = read(BUGCHECKED);

        assertEquals(RunRecord.Outcome.BUGCHECKED, r.outcome());
        assertEquals(Role.BASELINE, r.role());
        assertTrue(r.isReentry());
        assertEquals(7, r.crash().orElseThrow().analysis().orElseThrow().frameRepeats());
        assertEquals(11, r.telemetry().orElseThrow().maxNestingDepth());
        assertEquals("dumps/field/run-0/112526-01.dmp", r.crash().orElseThrow().dump().orElseThrow());
    }

    @Test
    void aHangsForcedDumpReadsIntoTheHangAndWritesBackByteForByte() throws Exception {
        RunRecord r = read(HUNG_WITH_NMI_DUMP);

        assertEquals(RunRecord.Outcome.HUNG, r.outcome());
        assertTrue(r.crash().isEmpty());
        RunRecord.Crash forced = r.hang().orElseThrow().forced().orElseThrow();
        assertEquals("0x00000080 NMI_HARDWARE_FAILURE (0x4f4454, 0x0, 0x0, 0x0)", forced.stop());
        assertEquals(2, forced.analysis().orElseThrow().frameRepeats());
        assertEquals(HUNG_WITH_NMI_DUMP, json.writeValueAsString(r));
    }

    @Test
    void aHangOfAnEarlierVersionHasNoForcedDump() throws Exception {
        assertTrue(read(HUNG).hang().orElseThrow().forced().isEmpty());
    }

    @Test
    void aCrashWithoutADumpHasNoAnalysisAndSaysSo() throws Exception {
        RunRecord r = read(CRASH_WITHOUT_DUMP);

        assertTrue(r.crash().orElseThrow().analysis().isEmpty());
        assertTrue(r.telemetry().isEmpty());
        assertEquals("no dump was written", r.error().orElseThrow());
    }

    @Test
    void anEarlierLabErrorReadsAsOneAfterTheLoadStarted() throws Exception {
        RunRecord r = read(LAB_ERROR);

        assertEquals(java.util.Optional.of(RunOutcome.LabFailure.Phase.AFTER_LOAD), r.labPhase());
        assertTrue(r.failed(), "no version before said when it failed, so it is not excused");
    }

    @Test
    void aLabErrorBeforeTheLoadSaysSoAndReadsBack() throws Exception {
        RunRecord before = RunRecord.labError(Records.slot("cached", 4), 1250, "vagrant up failed",
                RunOutcome.LabFailure.Phase.BEFORE_LOAD);

        String line = json.writeValueAsString(before);

        assertTrue(line.endsWith(",\"error\":\"vagrant up failed\",\"labPhase\":\"before-load\"}"), line);
        assertEquals(before, read(line));
    }

    @Test
    void theCallbacksByKindAreWrittenWithTheTelemetryAndReadBack() throws Exception {
        RunRecord survived = RunRecord.survived(Records.slot("cached", 0), 20000, 5, new Telemetry(1, 23104, 24000,
                4000, 0, java.util.Optional.of(new Telemetry.Kinds(4000, 8400, 3600, 2800, 1200))));

        String line = json.writeValueAsString(survived);

        assertTrue(line.endsWith("\"createCallbacks\":4000,\"cachedReadCallbacks\":8400,"
                + "\"nonCachedReadCallbacks\":3600,\"cachedWriteCallbacks\":2800,\"nonCachedWriteCallbacks\":1200}"),
                line);
        assertEquals(survived, read(line));
        assertTrue(read(SURVIVED).telemetry().orElseThrow().kinds().isEmpty(), "an earlier line has no split");
    }

    @Test
    void aLineWithAnUnknownOutcomeIsRefusedWithItsLineNumber() throws Exception {
        Path file = dir.resolve("results.jsonl");
        Files.writeString(file, "{\"type\":\"header\",\"format\":1,\"plan\":\"default\",\"fingerprint\":\"x\","
                + "\"lab\":\"sim\",\"created\":\"now\"}\n" + SURVIVED + "\n" + SURVIVED.replace("survived", "melted")
                + "\n");

        PlanException e = org.junit.jupiter.api.Assertions.assertThrows(PlanException.class,
                () -> ResultsFile.read(file));

        assertTrue(e.getMessage().endsWith("line 3 is not a result record: unknown outcome 'melted'"),
                e.getMessage());
    }
}
