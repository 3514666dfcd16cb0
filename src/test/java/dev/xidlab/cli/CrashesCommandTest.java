package dev.xidlab.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xidlab.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrashesCommandTest {

    static final String FIXTURE = Path.of(System.getProperty("xidlab.projectDir", "."),
            "src/test/resources/dumps/triage_x64.dmp").toString();

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
}
