package dev.xidlab.lab.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.xidlab.lab.ForeignDriver;
import dev.xidlab.lab.LabException;
import dev.xidlab.lab.SitePackage;
import dev.xidlab.lab.runner.CommandResult;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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

    // Issue 24: the user's driver package, and a site's, in a Windows guest. The host reads the INF and says how
    // (driver-package.ps1's parameters); the script does it. Both are pinned here: no PowerShell runs on Linux.

    /** A minifilter's INF as Microsoft's samples write it: [DefaultInstall.NTamd64], its service by a string. */
    static final String FILTER_INF = """
            [Version]
            Signature   = "$WINDOWS NT$"
            Class       = "ActivityMonitor"
            ClassGuid   = {b86dff51-a31e-4bac-b3cf-e8cfe75c9fc2}
            Provider    = %Vendor%

            [DefaultInstall.NTamd64]
            OptionDesc  = %ServiceName%
            CopyFiles   = Vendor.DriverFiles   ; the driver

            [DefaultInstall.NTamd64.Services]
            AddService  = %ServiceName%,,Vendor.Service

            [DefaultUninstall.NTamd64]
            LegacyUninstall = 1

            [Vendor.Service]
            ServiceType   = 2
            ServiceBinary = %12%\\vendorflt.sys

            [Strings]
            Vendor      = "Vendor Inc."
            ServiceName = "VendorFlt"
            """;

    static final String PNP_INF = """
            [Version]
            Signature = "$WINDOWS NT$"
            Class     = System

            [Manufacturer]
            %Vendor% = Models, NTamd64

            [Models.NTamd64]
            %Device% = Install, ROOT\\VENDORFLT

            [Install.NTamd64.Services]
            AddService = vendorpnp, 0x00000002, Vendor.Service

            [Vendor.Service]
            ServiceBinary = %13%\\vendorflt.sys

            [Strings]
            Vendor = "Vendor Inc."
            Device = "Vendor device"
            """;

    @TempDir
    Path packages;

    private final String script = readScript();

    private static String readScript() {
        try {
            return Files.readString(Path.of("vagrant/provision/driver-package.ps1"));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private ForeignDriver infPackage(String infText) throws IOException {
        Path dir = Files.createDirectories(packages.resolve("vendorflt"));
        Files.writeString(dir.resolve("vendorflt.inf"), infText);
        Files.writeString(dir.resolve("vendorflt.sys"), "MZ");
        return new ForeignDriver("vendorflt", dir, "vendorflt.sys", Optional.of(dir.resolve("vendorflt.inf")),
                Optional.empty(), Optional.empty(), Optional.empty());
    }

    private ForeignDriver bareSys() throws IOException {
        Path sys = Files.writeString(packages.resolve("vendorflt.sys"), "MZ");
        return new ForeignDriver("vendorflt.sys", sys, "vendorflt.sys", Optional.empty(), Optional.empty(),
                Optional.of("VendorFlt"), Optional.of(new BigDecimal("370030")));
    }

    /** The body of one of the script's functions, up to the next function. */
    private String function(String name) {
        int at = script.indexOf("function " + name);
        assertTrue(at >= 0, "driver-package.ps1 has no function " + name);
        int next = script.indexOf("\nfunction ", at + 1);
        return script.substring(at, next < 0 ? script.length() : next);
    }

    private String mainBlock() {
        return script.substring(script.lastIndexOf("\ntry {"));
    }

    @Test
    void anInfWithADefaultInstallSectionIsInstalledByInstallHinfSectionOfThatSection() throws IOException {
        String sent = WindowsGuest.script(windows.commandLine(windows.installPackageScript(infPackage(FILTER_INF))));

        assertTrue(sent.contains("& 'C:\\xidlab\\driver-package.ps1' -Action Install -Dir 'C:\\xidlab\\drivers\\vendorflt'"
                + " -Module 'vendorflt.sys' -Service 'VendorFlt' -Method DefaultInstall -Inf 'vendorflt.inf'"
                + " -Section 'DefaultInstall.NTamd64'\n"), sent);
        assertTrue(function("Install-FromInf").contains("if ($Method -eq 'DefaultInstall') {\n        Invoke-InfSection $Section"),
                "DefaultInstall runs the section");
        assertTrue(function("Invoke-InfSection").contains(
                "-ArgumentList \"setupapi.dll,InstallHinfSection $Name 128 $infPath\""), "InstallHinfSection, never reboot");
    }

    @Test
    void aPnpInfIsInstalledByPnputilAddDriverInstall() throws IOException {
        String sent = windows.installPackageScript(infPackage(PNP_INF));

        assertTrue(sent.contains("-Service 'vendorpnp' -Method PnP -Inf 'vendorflt.inf'\n"), sent);
        assertFalse(sent.contains("-Section"), sent);
        assertTrue(function("Install-FromInf").contains("Invoke-Tool 'pnputil.exe' @('/add-driver', (Join-Path $Dir $Inf),"
                + " '/install')"), "pnputil /add-driver X.inf /install");
        assertTrue(function("Install-FromInf").contains("$answer.Code -notin @(0, 259, 3010)"),
                "PnPUtil's documented successes");
    }

    @Test
    void anInfThatSaysNeitherWayIsRefusedOnTheHost() throws IOException {
        ForeignDriver driver = infPackage("[Version]\nSignature = \"$WINDOWS NT$\"\n");

        LabException e = assertThrows(LabException.class, () -> windows.installPackageScript(driver));

        assertEquals("vendorflt.inf has neither a [DefaultInstall] nor a [Manufacturer] section: nothing in it says how"
                + " Windows installs it", e.getMessage());
    }

    @Test
    void thePlansServiceNamesTheFilterOverTheInfsAddService() throws IOException {
        ForeignDriver inf = infPackage(FILTER_INF);
        ForeignDriver named = new ForeignDriver(inf.given(), inf.path(), inf.module(), inf.inf(), inf.pdb(),
                Optional.of("vendor_2"), Optional.empty());

        assertTrue(windows.installPackageScript(named).contains("-Service 'vendor_2'"));
    }

    @Test
    void aBareSysBecomesAMinifilterServiceWithThePlansAltitudeInItsInstancesKey() throws IOException {
        String sent = windows.installPackageScript(bareSys());

        assertTrue(sent.contains("-Module 'vendorflt.sys' -Service 'VendorFlt' -Method Service -Altitude '370030'\n"),
                sent);
        String service = function("Install-Service");
        assertTrue(service.contains("Copy-Item -LiteralPath $PackageSys -Destination $CopiedSys -Force"), service);
        assertTrue(service.contains("'sc.exe' @('create', $Service, 'type=', 'filesys', 'start=', 'demand', 'error=',"
                + " 'normal',\n            'binPath=', \"System32\\drivers\\$Module\", 'group=', 'FSFilter Activity Monitor',"
                + " 'depend=', 'FltMgr')"), service);
        assertTrue(service.contains("foreach ($instances in \"$key\\Instances\", \"$key\\Parameters\\Instances\")"), service);
        assertTrue(service.contains("-Name DefaultInstance -Value \"$Service Instance\""), service);
        assertTrue(service.contains("-Name Altitude -Value $Altitude -Type String"), service);
        assertTrue(service.contains("-Name Flags -Value 0 -Type DWord"), service);
    }

    @Test
    void certificatesAreTrustedBeforeThePackageInstallsAndLoads() {
        String main = mainBlock();

        int certificates = main.indexOf("Import-Certificates");
        assertTrue(certificates > 0 && certificates < main.indexOf("Install-Service")
                && certificates < main.indexOf("Install-FromInf") && certificates < main.indexOf("Invoke-Load"), main);
        String imports = function("Import-Certificates");
        assertTrue(imports.contains("Get-ChildItem -LiteralPath $Dir -Filter '*.cer' -File"), imports);
        assertTrue(imports.contains("foreach ($store in 'Root', 'TrustedPublisher')"), imports);
        assertTrue(imports.contains("'certutil.exe' @('-f', '-addstore', $store, $cer.FullName)"), imports);
    }

    @Test
    void theUsersDriverUnloadsXidfilterFirstAndASitesFilterStaysBesideIt() throws IOException {
        String main = mainBlock();
        assertTrue(main.indexOf("Invoke-Unload 'XidFilter'") < main.indexOf("Import-Certificates"), main);
        assertTrue(main.contains("if (-not $KeepXidfilter) {"), main);

        assertFalse(windows.installPackageScript(infPackage(FILTER_INF)).contains("-KeepXidfilter"));
        Path site = Files.createDirectories(packages.resolve("site"));
        Files.writeString(site.resolve("siteflt.sys"), "MZ");
        String sent = windows.installSitePackageScript(new SitePackage("siteflt.sys", "site", site,
                Optional.of(new BigDecimal("328010")))).orElseThrow();
        assertTrue(sent.contains("-Dir 'C:\\xidlab\\drivers\\siteflt' -Module 'siteflt.sys' -Service 'siteflt'"
                + " -Method Service -Altitude '328010' -KeepXidfilter\n"), sent);
    }

    @Test
    void aSitesFilterWithoutAnInfOrAnAltitudeIsRefusedOnTheHost() throws IOException {
        Path site = Files.createDirectories(packages.resolve("site"));
        Files.writeString(site.resolve("siteflt.sys"), "MZ");

        LabException e = assertThrows(LabException.class, () -> windows.installSitePackageScript(
                new SitePackage("siteflt.sys", "site", site, Optional.empty())));

        assertTrue(e.getMessage().startsWith("the site's filter siteflt.sys (site) has no INF: give its altitude"),
                e.getMessage());
    }

    @Test
    void theLoadIsIdempotentAndCheckedInFltmcsList() {
        String load = function("Invoke-Load");

        assertTrue(load.contains("Invoke-Tool 'fltmc.exe' @('load', $Service)"), load);
        assertTrue(load.contains("$hr -notin @('0x800700B7', '0x80070420')"), "FilterLoad's two already-running answers");
        assertTrue(load.contains("if (-not (Test-Loaded $Service))"), load);
        assertTrue(load.contains("Fail \"$Module did not load: fltmc load $Service answered $hr ($(Get-LoadHint $hr))\""),
                load);
        assertTrue(function("Get-LoadHint").contains("'0x80070241' {\n            $status = (Get-AuthenticodeSignature"),
                "an untrusted signature says its Authenticode status");
    }

    @Test
    void aFailureIsOneLineOnStderrAndExitOne() {
        assertTrue(function("Fail").contains("[Console]::Error.WriteLine(($Why -replace '\\s+', ' ').Trim())\n    exit 1"),
                function("Fail"));
        assertTrue(mainBlock().contains("} catch {\n    Fail \"$Module`: $($_.Exception.Message)\"\n}\nexit 0"),
                mainBlock());
    }

    @Test
    void uninstallFindsThePublishedOemInfByItsOriginalNameAndDeletesIt() throws IOException {
        String sent = windows.uninstallPackageScript(infPackage(FILTER_INF));

        assertTrue(sent.contains("-Action Uninstall -Dir 'C:\\xidlab\\drivers\\vendorflt' -Module 'vendorflt.sys'"
                + " -Service 'VendorFlt' -Method DefaultInstall -Inf 'vendorflt.inf'"), sent);
        assertFalse(sent.contains("-UninstallSection"), "LegacyUninstall=1: the driver store uninstalls it");
        String published = function("Get-PublishedInf");
        assertTrue(published.contains("Invoke-Tool 'pnputil.exe' @('/enum-drivers')"), published);
        assertTrue(published.contains("'^\\s*Original Name\\s*:\\s*(\\S+)' -and $Matches[1] -eq $Inf"), published);
        String uninstall = function("Uninstall-Package");
        assertTrue(uninstall.indexOf("Invoke-Unload $Service") < uninstall.indexOf("Get-PublishedInf"), uninstall);
        assertTrue(uninstall.contains("@('/delete-driver', $oem, '/uninstall', '/force')"), uninstall);
    }

    @Test
    void aLegacyInfsDefaultUninstallIsWhatUninstallsIt() throws IOException {
        String legacy = FILTER_INF.replace("LegacyUninstall = 1", "DelFiles = Vendor.DriverFiles");

        assertTrue(windows.uninstallPackageScript(infPackage(legacy))
                .contains("-Section 'DefaultInstall.NTamd64' -UninstallSection 'DefaultUninstall.NTamd64'\n"));
        assertTrue(function("Uninstall-Package").contains("if (-not $removed -and $UninstallSection) {\n"
                + "            Invoke-InfSection $UninstallSection"));
    }

    @Test
    void aBareSysIsUninstalledByDeletingItsServiceAndItsCopyAndOneGoneAlreadyIsNoError() throws IOException {
        assertTrue(windows.uninstallPackageScript(bareSys()).contains("-Method Service"));
        String uninstall = function("Uninstall-Package");

        assertTrue(uninstall.contains("Invoke-Tool 'sc.exe' @('delete', $Service)"), uninstall);
        assertTrue(uninstall.contains("$answer.Code -notin @(0, 1060, 1072)"), uninstall);
        assertTrue(uninstall.contains("Remove-Item -LiteralPath $CopiedSys -Force"), uninstall);
        assertTrue(function("Invoke-Unload").contains("if ($answer.Code -ne 0 -and (Test-Loaded $Name))"),
                "not loaded is no error");
    }

    @Test
    void theProbeReturnsTheCommandsExitCode() {
        String probe = windows.probeScript("findstr /c:\"it's\" C:\\x.txt");

        assertTrue(probe.contains("$env:XIDLAB_PROBE = 'findstr /c:\"it''s\" C:\\x.txt'\n"), probe);
        assertTrue(probe.contains("& \"$env:SystemRoot\\System32\\cmd.exe\" /d /s /c --% \"%XIDLAB_PROBE%\"\n"
                + "  $code = $LASTEXITCODE\n"), probe);
        assertTrue(probe.endsWith("\nexit $code"), probe);
    }

    @Test
    void aProbeThatCannotStartIsExitOneWithOneLine() {
        String probe = windows.probeScript("no-such-tool");

        assertTrue(probe.contains("} catch {\n  [Console]::Error.WriteLine('the probe did not start: ' +"
                + " $_.Exception.Message); exit 1\n}"), probe);
        assertTrue(probe.contains("if ($code -eq 9009) { [Console]::Error.WriteLine('the probe did not start:"), probe);
    }

    @Test
    void everyPackageScriptIsStrict() throws IOException {
        ForeignDriver driver = infPackage(FILTER_INF);
        for (String sent : List.of(windows.installPackageScript(driver), windows.uninstallPackageScript(driver),
                windows.probeScript("exit 0"))) {
            assertTrue(sent.startsWith("Set-StrictMode -Version Latest\n$ErrorActionPreference = 'Stop'\n"), sent);
        }
        assertTrue(script.contains("\nSet-StrictMode -Version Latest\n$ErrorActionPreference = 'Stop'\n"), "driver-package.ps1");
    }

    @Test
    void thePackageScriptTravelsWithTheDriverAndTheCommandLineStaysUnderCmdsLimit() throws IOException {
        Path driver = Files.createDirectories(packages.resolve("driver"));
        Files.writeString(driver.resolve("xidfilter.sys"), "MZ");

        assertTrue(windows.driverUploads(driver, Path.of("vagrant")).contains(new GuestOs.Upload(
                Path.of("vagrant/provision/driver-package.ps1"), "C:/xidlab/driver-package.ps1")));
        // The SSH server's cmd.exe takes a command line of at most 8191 characters.
        assertTrue(windows.commandLine(windows.installPackageScript(infPackage(FILTER_INF))).length() < 8191);
    }
}
