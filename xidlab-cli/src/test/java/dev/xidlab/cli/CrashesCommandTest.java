package dev.xidlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xidlab.command.ExitCode;
import dev.xidlab.device.KernelModel;
import dev.xidlab.json.Json;
import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.testing.ModelCrash;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class CrashesCommandTest {

    static final String FIXTURE = Path.of(System.getProperty("xidlab.projectDir", "."),
            "fixtures/dumps/triage_x64.dmp").toString();

    @TempDir
    Path dir;

    @Test
    void showNamesTheStopTheModuleAndTheVerdict() {
        var r = XidlabCommandLineTest.run("crashes", "show", FIXTURE);

        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("0x1000007E SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M"), r.out());
        assertTrue(r.out().contains("crash module      amdppm.sys"), r.out());
        assertTrue(r.out().contains("verdict           not the re-entry crash"), r.out());
    }

    @Test
    void showJsonIsMachineReadable() throws Exception {
        var r = XidlabCommandLineTest.run("crashes", "show", "--json", FIXTURE);

        JsonNode json = Json.mapper().readTree(r.out());
        assertEquals("0x1000007E", json.get("bugcheck").asText());
        assertEquals("amdppm.sys", json.get("crashModule").asText());
        assertFalse(json.get("reentry").asBoolean());
    }

    static final String SYMBOLS = Path.of(System.getProperty("xidlab.projectDir", "."),
            "fixtures/symbols").toString();

    @Test
    void showWithSymbolsPrintsTheStackAtTheFaultWithAmdppmNamesAndWdfFramesUnwound() {
        var r = XidlabCommandLineTest.run("crashes", "show", "--symbols", SYMBOLS, FIXTURE);

        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("faulting frame    amdppm!WriteIoMemRawEx+0x70"), r.out());
        assertTrue(r.out().contains("stack at the fault (context record at 0xffff850429891720, parameter 4): 17"
                + " frames from unwinding"), r.out());
        assertTrue(r.out().contains("01  ffff850429892150  fffff8048b58313f  unwound  amdppm!WriteGenAddrEx+0x6b"),
                r.out());
        assertTrue(r.out().contains("unwound  Wdf01000.sys+0x7c027"), r.out());
        assertTrue(r.out().contains("stack at KeBugCheckEx"), r.out());
        assertTrue(r.out().contains("no image of ACPI.sys, ntoskrnl.exe in the symbol path"), r.out());
        assertEquals("", r.err());
    }

    @Test
    void showWithoutSymbolsSaysWhichImagesWereMissingAndFallsBackToTheScan() {
        var r = XidlabCommandLineTest.run("crashes", "show", FIXTURE);

        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("the chain stops at amdppm.sys+0x334c: no image of amdppm.sys"), r.out());
        assertTrue(r.out().contains("scanned  amdppm.sys+0x313f"), r.out());
        assertTrue(r.out().contains("no image of ACPI.sys, amdppm.sys, ntoskrnl.exe, Wdf01000.sys: no symbol path"),
                r.out());
    }

    @Test
    void showJsonCarriesBothStacksFrameByFrameTheModulesTheUnloadedDriversAndTheNotes() throws Exception {
        var r = XidlabCommandLineTest.run("crashes", "show", "--json", "--symbols", SYMBOLS, FIXTURE);

        JsonNode json = Json.mapper().readTree(r.out());
        JsonNode fault = json.get("stacks").get(0);
        assertEquals(17, fault.get("chainFrames").asInt());
        JsonNode second = fault.get("frames").get(1);
        assertEquals("0xFFFFF8048B58313F", second.get("ip").asText());
        assertEquals("0xFFFF850429892150", second.get("sp").asText());
        assertEquals("amdppm.sys", second.get("module").asText());
        assertEquals("0x313F", second.get("offset").asText());
        assertEquals("WriteGenAddrEx+0x6b", second.get("symbol").asText());
        assertEquals("unwound", second.get("how").asText());
        assertEquals(2, json.get("stacks").size());
        assertEquals(151, json.get("modules").size());
        JsonNode nt = json.get("modules").findParents("name").stream()
                .filter(m -> m.get("name").asText().equals("ntoskrnl.exe")).findFirst().orElseThrow();
        assertEquals("0xFFFFF8047BA00000", nt.get("base").asText());
        assertEquals("0x1046000", nt.get("size").asText());
        assertEquals("dam.sys", json.get("unloaded").get(0).get("name").asText());
        assertTrue(json.get("notes").get(0).asText().startsWith("no image of ACPI.sys"), json.get("notes").toString());
        assertFalse(json.get("truncated").asBoolean());
    }

    @Test
    void aTruncatedDumpShowsItsHeadersStopMarkedTruncatedAndExitsOne() throws Exception {
        Path cut = dir.resolve("cut.dmp");
        Files.write(cut, java.util.Arrays.copyOf(Files.readAllBytes(Path.of(FIXTURE)), 0x10000));

        var r = XidlabCommandLineTest.run("crashes", "show", cut.toString());

        assertEquals(ExitCode.CHECK_FAILED, r.exitCode(), r.err());
        assertTrue(r.out().contains("0x1000007E SYSTEM_THREAD_EXCEPTION_NOT_HANDLED_M"), r.out());
        assertTrue(r.out().contains("TRUNCATED"), r.out());
        assertTrue(r.out().contains("truncated: "), r.out());
    }

    @Test
    void aSymbolServerThatDoesNotAnswerIsAWarningAndTheTriageGoesOn() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = free.getLocalPort();
        }
        var r = XidlabCommandLineTest.run("crashes", "show", "--symbols",
                "srv*" + dir.resolve("cache") + "*http://127.0.0.1:" + port + "/symbols", FIXTURE);

        assertEquals(0, r.exitCode(), r.err());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("xidlab: warning: symbol server http://127.0.0.1:" + port), r.err());
        assertTrue(r.out().contains("crash module      amdppm.sys"), r.out());
    }

    @Test
    void scanWithSymbolsNamesEachDumpsFaultingFrame() throws Exception {
        Files.copy(Path.of(FIXTURE), dir.resolve("a.dmp"));

        var r = XidlabCommandLineTest.run("crashes", "scan", "--symbols", SYMBOLS, dir.toString());

        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("amdppm!WriteIoMemRawEx+0x70"), r.out());
    }

    @Test
    void scanOfATruncatedDumpListsItAndExitsOne() throws Exception {
        Files.write(dir.resolve("cut.dmp"), java.util.Arrays.copyOf(Files.readAllBytes(Path.of(FIXTURE)), 0x10000));

        var r = XidlabCommandLineTest.run("crashes", "scan", dir.toString());

        assertEquals(ExitCode.CHECK_FAILED, r.exitCode(), r.err());
        assertTrue(r.out().contains("TRUNCATED"), r.out());
        assertTrue(r.out().contains("1 truncated dump(s)"), r.out());
    }

    @Test
    void showOfACorruptFileIsOneLineAndExitTwo() throws Exception {
        Path bad = dir.resolve("bad.dmp");
        Files.write(bad, "PAGEDU64".getBytes());

        var r = XidlabCommandLineTest.run("crashes", "show", bad.toString());

        assertEquals(ExitCode.USAGE, r.exitCode());
        assertEquals(1, r.err().lines().count(), r.err());
        assertTrue(r.err().startsWith("xidlab: " + bad + ": truncated"), r.err());
    }

    @Test
    void showOfAFifoIsRefusedAsNotARegularFileInsteadOfWaitingForAWriterForEver() throws Exception {
        Path fifo = fifo("crash.dmp");

        var r = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> XidlabCommandLineTest.run("crashes", "show", fifo.toString()));

        assertEquals(ExitCode.USAGE, r.exitCode());
        assertEquals("xidlab: " + fifo + ": not a regular file (a pipe, socket or device cannot be read as a file)\n",
                r.err());
    }

    @Test
    void showOfADirectorySaysItIsADirectory() {
        var r = XidlabCommandLineTest.run("crashes", "show", dir.toString());

        assertEquals(ExitCode.USAGE, r.exitCode());
        assertEquals("xidlab: " + dir + ": is a directory\n", r.err());
    }

    @Test
    void scanOfANamedFifoListsItUnreadableInsteadOfWaitingForAWriterForEver() throws Exception {
        Path fifo = fifo("Minidump.dmp");

        var r = assertTimeoutPreemptively(Duration.ofSeconds(20),
                () -> XidlabCommandLineTest.run("crashes", "scan", FIXTURE, fifo.toString()));

        assertEquals(ExitCode.USAGE, r.exitCode());
        assertTrue(r.out().contains("UNREADABLE"), r.out());
        assertTrue(r.out().contains(fifo + ": not a regular file"), r.out());
    }

    /** A named pipe in the test's directory: Java cannot make one, mkfifo(1) can (every Linux has it). */
    private Path fifo(String name) throws Exception {
        Path fifo = dir.resolve(name);
        Process p;
        try {
            p = new ProcessBuilder("mkfifo", fifo.toString()).redirectErrorStream(true).start();
        } catch (java.io.IOException e) {
            assumeTrue(false, "no mkfifo here: " + e.getMessage());
            throw e;
        }
        assertEquals(0, p.waitFor(), new String(p.getInputStream().readAllBytes()));
        return fifo;
    }

    @Test
    void scanListsReadableDumpsAndReportsTheRestWithoutStopping() throws Exception {
        Files.copy(Path.of(FIXTURE), dir.resolve("a.dmp"));
        Files.write(dir.resolve("b.dmp"), new byte[] {1, 2, 3});

        var r = XidlabCommandLineTest.run("crashes", "scan", dir.toString());

        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("amdppm.sys"), r.out());
        assertTrue(r.out().contains("UNREADABLE"), r.out());
        assertTrue(r.out().contains("0 re-entry crash(es), 1 unreadable file(s)"), r.out());
    }

    @Test
    void scanOfANamedUnreadableFileExitsTwo() throws Exception {
        Path bad = dir.resolve("b.dmp");
        Files.write(bad, new byte[] {1, 2, 3});

        assertEquals(ExitCode.USAGE, XidlabCommandLineTest.run("crashes", "scan", FIXTURE, bad.toString()).exitCode());
    }

    @Test
    void scanOfAMissingPathIsAUsageError() {
        var r = XidlabCommandLineTest.run("crashes", "scan", dir.resolve("nope").toString());

        assertEquals(ExitCode.USAGE, r.exitCode());
        assertTrue(r.err().contains("no such file or directory"), r.err());
    }

    @Test
    void showOfTheModelsKernelDumpPrintsTheOverflowedStackAndBothStacksUnwoundWithTheDumpsOwnImages()
            throws Exception {
        assumeTrue(KernelModel.unavailableReason().isEmpty(), () -> KernelModel.unavailableReason().get());
        Path kernelDump = ModelCrash.withKernelDump(DriverConfig.fieldDefault(), dir).dump().orElseThrow();

        var r = XidlabCommandLineTest.run("crashes", "show", kernelDump.toString());

        assertEquals(0, r.exitCode(), r.err());
        assertTrue(r.out().contains("dump              bitmap_kernel, x64"), r.out());
        assertTrue(r.out().contains("overflowed stack  trap frame 0xFFFFF8047E6A9E50 (parameter 2): RIP"), r.out());
        assertTrue(r.out().contains("one turn          xidfilter.sys+0x1913 < xidfilter.sys+0x105c <"), r.out());
        assertTrue(r.out().contains("stack at the fault (trap frame at 0xfffff8047e6a9e50, found by parameter 2): 137"
                + " frames from unwinding"), r.out());
        assertTrue(r.out().contains("stack at KeBugCheckEx (the dump's context record): 140 frames from unwinding"),
                r.out());
        assertTrue(r.out().contains("unwound  xidfilter.sys+0x1913"), r.out());
        assertFalse(r.out().contains("scanned"), r.out());
        assertTrue(r.out().contains("verdict           RE-ENTRY CRASH"), r.out());
    }
}
