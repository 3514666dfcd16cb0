package dev.xidlab.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.xidlab.command.ExitCode;
import dev.xidlab.json.Json;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code xidlab crashes profile} on the real fixture dump. */
class CrashesProfileCommandTest {

    static final String FIXTURE = CrashesCommandTest.FIXTURE;

    @TempDir
    Path dir;

    @Test
    void theFixturesMachineFiltersAndSignatureArePrinted() {
        CliRun r = CliRun.of("crashes", "profile", FIXTURE);

        assertEquals(ExitCode.OK, r.exitCode(), r.err());
        assertTrue(r.out().contains("windows          build 19041 x64, 16 processors"), r.out());
        assertTrue(r.out().contains("memory           unknown (minidumps do not record it"), r.out());
        assertTrue(r.out().contains("up-time          3.747 s at the crash of 2021-02-21T01:38:22.987765700Z"),
                r.out());
        assertTrue(r.out().contains("modules          151: 7 file-system filters, 22 unknown, 122 known not to be"
                + " filters"), r.out());
        assertTrue(r.out().matches("(?s).*WdFilter\\.sys +328010 +FSFilter Anti-Virus +Microsoft Defender Antivirus"
                + " \\(Microsoft\\) +below ours.*"), r.out());
        assertTrue(r.out().contains("unknown, maybe a filter: 22: aftap0901.sys"), r.out());
        assertTrue(r.out().contains("0 of 1 crash is the re-entry crash of xidfilter.sys"), r.out());
    }

    @Test
    void jsonHasTheEnvironmentForMachines() throws Exception {
        CliRun r = CliRun.of("crashes", "profile", "--json", FIXTURE);

        JsonNode machine = Json.mapper().readTree(r.out()).get("machines").get(0);
        assertEquals(16, machine.get("profile").get("environment").get("processors").asInt());
        assertEquals(7, machine.get("profile").get("filters").size());
        assertFalse(machine.get("matchesFieldPattern").asBoolean());
    }

    @Test
    void outWritesAPlanThatNamesItsEnvironment() throws Exception {
        Path plan = dir.resolve("site.yaml");

        CliRun r = CliRun.of("crashes", "profile", FIXTURE, "--out", plan.toString());

        assertEquals(ExitCode.OK, r.exitCode(), r.err());
        String yaml = Files.readString(plan);
        assertTrue(yaml.contains("environment:\n  build: 19041\n  architecture: x64\n  processors: 16\n"), yaml);
        assertTrue(yaml.contains("- {module: mssecflt.sys, altitude: 385600, group: activity-monitor}"), yaml);
    }

    @Test
    void aPathThatDoesNotExistIsAUsageError() {
        CliRun r = CliRun.of("crashes", "profile", dir.resolve("nothing").toString());

        assertEquals(ExitCode.USAGE, r.exitCode());
        assertEquals("xidlab: " + dir.resolve("nothing") + ": no such file or directory", r.err().strip());
    }

    @Test
    void aDirectoryWithoutDumpsIsAUsageErrorOnOneLine() {
        CliRun r = CliRun.of("crashes", "profile", dir.toString());

        assertEquals(ExitCode.USAGE, r.exitCode());
        assertEquals("xidlab: no crash dump found (*.dmp, or a file starting with a dump signature)", r.err().strip());
    }

    @Test
    void mixedNumbersThePlanFilesOnePerMachine() {
        assertEquals(dir.resolve("plan-2.yaml"), CrashesProfileCommand.numbered(dir.resolve("plan.yaml"), 2));
    }
}
