package dev.xidlab.lab.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.lab.runner.CommandResult;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What the lab says to a Windows guest and how it reads the answers. No PowerShell runs here (there is no
 * Windows), so these pin the choices each script embodies; the lab's flow runs for real on the stand-in guest.
 */
class WindowsGuestTest {

    private final WindowsGuest windows = new WindowsGuest();

    @Test
    void aScriptTravelsAsOneEncodedPowerShellCommandSoNoQuotingHasToSurviveCmd() {
        String line = windows.commandLine("Write-Output 'a \"b\" & c | d'");

        assertTrue(line.startsWith("powershell -NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass"
                + " -EncodedCommand "), line);
        assertEquals("Write-Output 'a \"b\" & c | d'", WindowsGuest.script(line));
    }

    @Test
    void progressRecordsAreSilencedSoTheyNeverReachStderrAsClixml() {
        String line = windows.commandLine("Get-ChildItem");

        assertTrue(new String(java.util.Base64.getDecoder().decode(line.substring(line.lastIndexOf(' ') + 1)),
                java.nio.charset.StandardCharsets.UTF_16LE).startsWith("$ProgressPreference = 'SilentlyContinue'"));
    }

    @Test
    void theAgentRunsUnderTheSshServersShellSoItsStdinReachesTheJvm() {
        String agent = windows.agentCommandLine("C:/xidlab/xidlab.jar");

        assertFalse(agent.contains("powershell"), agent);
        assertTrue(agent.startsWith("java ") && agent.endsWith(" -jar C:\\xidlab\\xidlab.jar driver serve --device windows"),
                agent);
    }

    @Test
    void theLoadRunsAsASystemScheduledTaskDetachedFromTheSshSession() {
        String script = windows.startLoadScript("C:/xidlab/xidlab.jar", List.of("--as-configured", "--seed", "7"),
                "run-1");

        assertTrue(script.contains("New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount"
                + " -RunLevel Highest"), script);
        assertTrue(script.contains("stress --lab local --as-configured --seed 7 --result \"C:\\xidlab\\runs\\run-1.json\""),
                script);
        assertTrue(script.contains("echo %ERRORLEVEL% > \"C:\\xidlab\\runs\\run-1.exit\""), script);
    }

    @Test
    void theRebootMarkerIsAVolatileRegistryKeyThatOnlyAReebootRemoves() {
        String script = windows.markScript("run-1");

        assertTrue(script.contains("[Microsoft.Win32.RegistryOptions]::Volatile"), script);
        assertTrue(script.contains("SetValue('RunId', 'run-1')"), script);
    }

    @Test
    void bugcheckEventsAreThoseAfterTheRunsLastRecordNotAfterATime() {
        String script = windows.bugcheckEventsScript("2200").orElseThrow();

        assertTrue(script.contains("(EventID=1001 or EventID=1000 or EventID=1006 or EventID=41 or EventID=1074)"
                + " and EventRecordID > 2200"), script);
        assertFalse(script.contains("TimeCreated"), script);
    }

    @Test
    void dumpsAreListedWhereCrashControlPutsThemAndToldApartAsMiniOrKernel() {
        List<GuestDump> dumps = windows.parseDumps("C:/Windows/Minidump/112526-01.dmp\t1400000\t638680000000000000\tmini\r\n"
                + "WARNING: something PowerShell said\r\n"
                + "C:/Windows/MEMORY.DMP\t900000000\t638680000000000001\tkernel\r\n");

        assertEquals(List.of(
                new GuestDump("112526-01.dmp", "C:/Windows/Minidump/112526-01.dmp", 1400000, "638680000000000000", false),
                new GuestDump("MEMORY.DMP", "C:/Windows/MEMORY.DMP", 900000000, "638680000000000001", true)), dumps);
        assertTrue(windows.listDumpsScript().contains("CrashControl"));
    }

    @Test
    void aGuestIsWindowsWhenItsaysSo() {
        assertTrue(windows.isThisOs(new CommandResult(0, "Microsoft Windows NT 10.0.19045.0\r\n", "", false)));
        assertFalse(windows.isThisOs(new CommandResult(127, "", "powershell: command not found", false)));
    }

    @Test
    void aQuoteInAPathCannotEndTheString() {
        assertEquals("'C:\\it''s'", WindowsGuest.quote("C:\\it's"));
    }

    @Test
    void theDoctorChecksWhatTheReviewFoundMissingFirst() {
        assertEquals(List.of("exit codes reach the host", "administrator session", "provisioned", "test signing on",
                "Secure Boot off", "crash dumps", "pagefile large enough for a kernel dump",
                "room on C: for the pagefile and a kernel dump", "test certificate trusted",
                "driver loaded", "RTC in UTC", "java 17+", "Defender real-time scanning off"),
                windows.checks().stream().map(GuestCheck::name).toList());
    }

    @Test
    void theListingsTabsAreInDoubleQuotesWherePowerShellReadsBacktickEscapes() {
        String script = windows.listDumpsScript();

        assertTrue(script.contains("\"{0}`t{1}`t{2}`tkernel\" -f"), script);
        assertFalse(java.util.regex.Pattern.compile("'[^'\n]*`t[^'\n]*'").matcher(script).find(),
                "a single-quoted string prints `t as it is: " + script);
    }

    @Test
    void theListingSaysWhatCrashControlAsksABugcheckToLeaveOnALineNoDumpLineIs() {
        String listing = "CrashDumpEnabled\t7\r\nC:/Windows/MEMORY.DMP\t900000000\t638680000000000001\tkernel\r\n";

        assertEquals(java.util.OptionalInt.of(7), windows.crashDumpSetting(listing));
        assertEquals(List.of("MEMORY.DMP"), windows.parseDumps(listing).stream().map(GuestDump::name).toList());
        assertEquals(java.util.OptionalInt.empty(), windows.crashDumpSetting("C:/Windows/MEMORY.DMP\t9\t1\tkernel"));
    }
}
