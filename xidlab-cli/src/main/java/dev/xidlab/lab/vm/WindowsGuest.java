package dev.xidlab.lab.vm;

import dev.xidlab.lab.LabException;
import dev.xidlab.lab.runner.CommandResult;
import dev.xidlab.protocol.Wire;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The product's guest: Windows 10/11 x64 with Windows' own OpenSSH server (its default shell, cmd.exe, left as
 * it is), reached as an administrator. Every script is Windows PowerShell 5.1 sent as {@code -EncodedCommand}
 * (base64 of UTF-16LE), so no quoting has to survive cmd.exe, and its {@code exit} code is the exit status the host
 * sees.
 *
 * <p>The load runs as a scheduled task under SYSTEM, not in the SSH session: Windows' OpenSSH ends a session's
 * processes with the session, and SYSTEM holds the privileges the memory pressure needs
 * (SeProfileSingleProcessPrivilege, SeIncreaseQuotaPrivilege) and may open the driver's admin-only device.
 */
public final class WindowsGuest implements GuestOs {

    static final String HOME = "C:/xidlab";
    /**
     * A JVM that starts fast and stays small: the agent and the load are short-lived, and in a guest on a software
     * CPU the JIT's second tier costs more than it earns.
     */
    static final String QUICK_JVM = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xshare:auto";
    private static final String RUNS = "C:\\xidlab\\runs";
    private static final String TASK = "xidlab-load";
    /** A volatile key lives in memory only: a reboot (a bugcheck with AutoReboot) is the only thing that removes it. */
    private static final String MARK_KEY = "SOFTWARE\\xidlab-run";
    static final String PROVISIONED = "C:\\xidlab\\provisioned";

    /** The memory the lab gives the guest (a site's sizing), when it says: it applies from the next boot. */
    private final java.util.OptionalInt plannedMemoryMiB;
    private final WindowsPackages packages = new WindowsPackages(this::packageDir);

    public WindowsGuest() {
        this(java.util.OptionalInt.empty());
    }

    public WindowsGuest(java.util.OptionalInt plannedMemoryMiB) {
        this.plannedMemoryMiB = plannedMemoryMiB;
    }

    @Override
    public String name() {
        return "Windows";
    }

    @Override
    public boolean standIn() {
        return false;
    }

    /**
     * Under KVM, the Hyper-V crash MSRs (Windows reports its bugcheck code and parameters); on QEMU's software CPU
     * the Hyper-V enlightenments are not there, and the ISA pvpanic device needs virtio-win's pvpanic driver.
     */
    @Override
    public Optional<Libvirt.PanicModel> panicModel(Acceleration acceleration) {
        return Optional.of(acceleration.kvm() ? Libvirt.PanicModel.HYPERV : Libvirt.PanicModel.ISA);
    }

    @Override
    public String commandLine(String script) {
        String full = "$ProgressPreference = 'SilentlyContinue'\n" + script;
        return "powershell -NoLogo -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand "
                + Base64.getEncoder().encodeToString(full.getBytes(StandardCharsets.UTF_16LE));
    }

    /** The script inside a {@link #commandLine}: what tests and logs read. */
    static String script(String commandLine) {
        String encoded = commandLine.substring(commandLine.lastIndexOf(' ') + 1);
        String full = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_16LE);
        return full.substring(full.indexOf('\n') + 1);
    }

    private static final Pattern KERNEL_BUILD = Pattern.compile("kernel build (\\d+)");
    private static final Pattern VERSION_STRING_BUILD = Pattern.compile("Windows NT \\d+\\.\\d+\\.(\\d+)");

    @Override
    public String identityScript() {
        return "[Environment]::OSVersion.VersionString\n"
                + "'kernel build ' + (Get-Item \"$env:SystemRoot\\System32\\ntoskrnl.exe\").VersionInfo.FileBuildPart";
    }

    /**
     * The kernel's build, as a dump's header records it (NtBuildNumber): ntoskrnl.exe's file build. The version
     * string's build is the release's, which differs where releases share one kernel (Windows 10 2004 to 22H2 are
     * all kernel 19041, reported as 19041 to 19045; Windows 11 22H2 and 23H2 share 22621), so a 22H2 box would be
     * refused for a 22H2 customer's dumps. The version string's build is the fallback for a guest that answered
     * without the kernel line.
     */
    @Override
    public Optional<Integer> windowsBuild(CommandResult identity) {
        for (Pattern build : List.of(KERNEL_BUILD, VERSION_STRING_BUILD)) {
            Matcher m = build.matcher(identity.stdout());
            if (m.find()) {
                return Optional.of(Integer.parseInt(m.group(1)));
            }
        }
        return Optional.empty();
    }

    /** fltmc lists the filter manager's filters: name, instances, altitude, frame. */
    @Override
    public Optional<String> filtersScript() {
        return Optional.of("fltmc filters");
    }

    /** The first word of each row under fltmc's dashed header line. */
    @Override
    public List<String> parseFilters(String listing) {
        List<String> names = new java.util.ArrayList<>();
        boolean rows = false;
        for (String line : listing.lines().toList()) {
            if (line.strip().startsWith("---")) {
                rows = true;
            } else if (rows && !line.isBlank()) {
                names.add(line.strip().split("\\s+")[0]);
            }
        }
        return names;
    }

    @Override
    public boolean isThisOs(CommandResult identity) {
        return identity.succeeded() && identity.stdout().contains("Windows");
    }

    @Override
    public String home() {
        return HOME;
    }

    /** guest-setup.ps1 writes the sentinel last: a guest without it lost or never finished its setup. */
    @Override
    public String provisionedScript() {
        return "if (Test-Path '" + PROVISIONED + "') { exit 0 } else { exit 1 }";
    }

    @Override
    public String prepareScript() {
        return "New-Item -ItemType Directory -Force -Path C:\\xidlab, C:\\xidlab\\driver, " + RUNS + " | Out-Null";
    }

    @Override
    public String makeDirectoryScript(String guestPath) {
        return "New-Item -ItemType Directory -Force -Path '" + guestPath + "' | Out-Null";
    }

    @Override
    public String sha256Script(String guestPath) {
        return "if (Test-Path " + quote(guestPath) + ") { (Get-FileHash -Algorithm SHA256 " + quote(guestPath) + ").Hash }";
    }

    /**
     * FileStream.Flush(true) is FlushFileBuffers: the file's data and metadata on the disk before it returns. A
     * bugcheck does not write back the cache manager's dirty pages.
     */
    @Override
    public String flushScript(List<String> guestPaths) {
        return "foreach ($p in @(" + guestPaths.stream().map(WindowsGuest::quote).collect(java.util.stream.Collectors.joining(", "))
                + ")) { $f = [System.IO.File]::Open($p, 'Open', 'ReadWrite'); try { $f.Flush($true) } finally { $f.Close() } }";
    }

    /** The System log's last events across the reboot (Kernel-Power, BugCheck, EventLog, the services). */
    @Override
    public String bootLogScript() {
        return "Get-WinEvent -LogName System -MaxEvents 300 -ErrorAction SilentlyContinue | Sort-Object RecordId"
                + " | ForEach-Object { '{0:o} {1} {2} {3}: {4}' -f $_.TimeCreated, $_.RecordId, $_.ProviderName, $_.Id,"
                + " ($_.Message -replace '\\s+', ' ') }";
    }

    @Override
    public String javaScript() {
        return "java -version; exit $LASTEXITCODE";
    }

    @Override
    public List<Upload> driverUploads(Path driverDir, Path vagrantDir) {
        List<Upload> uploads = new ArrayList<>();
        try (var files = Files.list(driverDir)) {
            files.filter(Files::isRegularFile).sorted()
                    .forEach(f -> uploads.add(new Upload(f, HOME + "/driver/" + f.getFileName())));
        } catch (IOException e) {
            throw new LabException("cannot list the built driver in " + driverDir + ": " + e.getMessage(), e);
        }
        uploads.add(new Upload(vagrantDir.resolve("provision").resolve("install-driver.ps1"),
                HOME + "/install-driver.ps1"));
        // Uploaded before any package is installed: the lab uploads the driver and the jar first.
        uploads.add(new Upload(vagrantDir.resolve("provision").resolve(WindowsPackages.SCRIPT),
                WindowsPackages.GUEST_SCRIPT));
        return uploads;
    }

    /** {@link WindowsPackages}: the package's INF read here decides how driver-package.ps1 installs it there. */
    @Override
    public String installPackageScript(dev.xidlab.lab.ForeignDriver driver) {
        return packages.install(driver);
    }

    @Override
    public String uninstallPackageScript(dev.xidlab.lab.ForeignDriver driver) {
        return packages.uninstall(driver);
    }

    @Override
    public Optional<String> installSitePackageScript(dev.xidlab.lab.SitePackage site) {
        return Optional.of(packages.installSite(site));
    }

    @Override
    public String probeScript(String command) {
        return WindowsPackages.probe(command);
    }

    @Override
    public String installDriverScript() {
        return "& C:\\xidlab\\install-driver.ps1 -From C:\\xidlab\\driver";
    }

    /**
     * Run by the SSH server's own shell (cmd.exe), not through PowerShell, which would stand between the JVM and the
     * channel's stdin. The reload the agent does is fltlib's FilterUnload/FilterLoad (what fltmc does).
     */
    @Override
    public String agentCommandLine(String jar) {
        return "java " + QUICK_JVM + " -jar " + jar.replace('/', '\\') + " driver serve --device windows";
    }

    @Override
    public String markScript(String runId) {
        return "$k = [Microsoft.Win32.Registry]::LocalMachine.CreateSubKey(" + quote(MARK_KEY) + ","
                + " [Microsoft.Win32.RegistryKeyPermissionCheck]::ReadWriteSubTree,"
                + " [Microsoft.Win32.RegistryOptions]::Volatile)\n"
                + "$k.SetValue('RunId', " + quote(runId) + "); $k.Close()\n"
                + "$last = Get-WinEvent -LogName System -MaxEvents 1 -ErrorAction SilentlyContinue\n"
                + "if ($last) { $last.RecordId } else { 0 }";
    }

    @Override
    public String readMarkScript() {
        return "$k = [Microsoft.Win32.Registry]::LocalMachine.OpenSubKey(" + quote(MARK_KEY) + ")\n"
                + "if ($k) { $k.GetValue('RunId'); $k.Close() }";
    }

    /**
     * Where CrashControl says dumps go (MinidumpDir, DumpFile), not where they usually are, and what it asks a
     * bugcheck to leave (CrashDumpEnabled, a line of two fields that no dump line is). The tabs are in
     * double-quoted strings: PowerShell reads a backtick escape only there.
     */
    @Override
    public String listDumpsScript() {
        return "$cc = Get-ItemProperty 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\CrashControl'\n"
                + "\"" + CRASH_DUMP_ENABLED + "`t{0}\" -f $cc.CrashDumpEnabled\n"
                + "$mini = [Environment]::ExpandEnvironmentVariables($cc.MinidumpDir)\n"
                + "$full = [Environment]::ExpandEnvironmentVariables($cc.DumpFile)\n"
                + "foreach ($f in @(Get-ChildItem -Path (Join-Path $mini '*.dmp') -ErrorAction SilentlyContinue)) {\n"
                + "  \"{0}`t{1}`t{2}`tmini\" -f $f.FullName.Replace('\\', '/'), $f.Length, $f.LastWriteTimeUtc.Ticks }\n"
                + "if ($full -and (Test-Path $full)) { $f = Get-Item $full\n"
                + "  \"{0}`t{1}`t{2}`tkernel\" -f $f.FullName.Replace('\\', '/'), $f.Length, $f.LastWriteTimeUtc.Ticks }";
    }

    private static final String CRASH_DUMP_ENABLED = "CrashDumpEnabled";

    @Override
    public java.util.OptionalInt crashDumpSetting(String listing) {
        for (String line : listing.lines().map(String::strip).toList()) {
            String[] f = line.split("\t");
            if (f.length == 2 && f[0].equals(CRASH_DUMP_ENABLED)) {
                try {
                    return java.util.OptionalInt.of(Integer.parseInt(f[1].strip()));
                } catch (NumberFormatException e) {
                    return java.util.OptionalInt.empty();
                }
            }
        }
        return java.util.OptionalInt.empty();
    }

    /** UTC, round-trip format: the clock a dump header's crash time and the System log's times are in. */
    @Override
    public Optional<String> clockScript() {
        return Optional.of("[DateTime]::UtcNow.ToString('o')");
    }

    @Override
    public String startLoadScript(String jar, List<String> stressArguments, String runId) {
        String run = RUNS + "\\" + runId;
        String windowsJar = jar.replace('/', '\\');
        return "$java = (Get-Command java -ErrorAction Stop).Source\n"
                + "$line = '\"' + $java + '\" -XX:ErrorFile=\"" + run + "-hs_err.log\" -jar \"" + windowsJar
                + "\" stress --lab local "
                + String.join(" ", stressArguments).replace("'", "''")
                + " --result \"" + run + ".json\" > \"" + run + ".log\" 2>&1'\n"
                + "Set-Content -Path '" + run + ".cmd' -Encoding Ascii -Value @('@echo off', 'cd /d C:\\xidlab', $line,"
                + " 'echo %ERRORLEVEL% > \"" + run + ".exit\"')\n"
                + "$action = New-ScheduledTaskAction -Execute 'cmd.exe' -Argument '/c \"" + run + ".cmd\"'\n"
                + "$principal = New-ScheduledTaskPrincipal -UserId 'SYSTEM' -LogonType ServiceAccount -RunLevel Highest\n"
                + "$settings = New-ScheduledTaskSettingsSet -ExecutionTimeLimit (New-TimeSpan -Hours 24)"
                + " -AllowStartIfOnBatteries -DontStopIfGoingOnBatteries -MultipleInstances IgnoreNew\n"
                + "Register-ScheduledTask -TaskName '" + TASK + "' -Action $action -Principal $principal"
                + " -Settings $settings -Force | Out-Null\n"
                + "Start-ScheduledTask -TaskName '" + TASK + "'\n"
                + "'started'";
    }

    @Override
    public String loadStatusScript(String runId) {
        String run = RUNS + "\\" + runId;
        return "$run = '" + run + "'\n"
                + "if (Test-Path \"$run.json\") { 'RESULT'; Get-Content -Raw \"$run.json\" }\n"
                + "elseif (Test-Path \"$run.exit\") { 'ENDED ' + (Get-Content \"$run.exit\" | Select-Object -First 1).Trim()\n"
                + "  if (Test-Path \"$run.log\") { Get-Content \"$run.log\" -Tail 5 } }\n"
                + "else { 'RUNNING' }";
    }

    @Override
    public List<String> loadLogPaths(String runId) {
        return List.of(HOME + "/runs/" + runId + ".log", HOME + "/runs/" + runId + "-hs_err.log");
    }

    /**
     * Events 1001, 1000 and 1006 (WER's BugCheck), Kernel-Power 41 and User32's 1074 (a restart asked for) after
     * the cursor: record ids, not times, so no clock is compared.
     */
    @Override
    public Optional<String> bugcheckEventsScript(String eventCursor) {
        long cursor;
        try {
            cursor = eventCursor.isBlank() ? 0 : Long.parseLong(eventCursor.strip());
        } catch (NumberFormatException e) {
            cursor = 0;
        }
        return Optional.of("wevtutil qe System /f:xml \"/q:*[System[(EventID=1001 or EventID=1000 or EventID=1006 or EventID=41 or EventID=1074) and EventRecordID > "
                + cursor + "]]\"; exit $LASTEXITCODE");
    }

    @Override
    public Optional<String> crashNowScript() {
        return Optional.empty();
    }

    @Override
    public List<String> kernelImages() {
        return List.of("C:/Windows/System32/ntoskrnl.exe", "C:/Windows/System32/hal.dll",
                "C:/Windows/System32/drivers/FLTMGR.SYS", "C:/Windows/System32/drivers/xidfilter.sys");
    }

    @Override
    public List<GuestCheck> checks() {
        return List.of(
                new GuestCheck("exit codes reach the host",
                        "'exit 3 must come back as 3'; exit 3", "keep OpenSSH's DefaultShell unset (cmd.exe): a"
                        + " PowerShell default shell turns every exit code into 0 or 1 (HKLM:\\SOFTWARE\\OpenSSH"
                        + " DefaultShell)", 3),
                new GuestCheck("administrator session",
                        "$p = [Security.Principal.WindowsPrincipal][Security.Principal.WindowsIdentity]::GetCurrent()\n"
                                + "if ($p.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) { 'elevated' }"
                                + " else { 'not elevated'; exit 1 }",
                        "log in as a member of Administrators (its key in C:\\ProgramData\\ssh\\administrators_authorized_keys)"),
                new GuestCheck("provisioned", "if (Test-Path '" + PROVISIONED + "') { 'yes' } else { 'no'; exit 1 }",
                        "vagrant provision (xidlab lab up does it when the sentinel is missing)"),
                new GuestCheck("test signing on",
                        "$b = bcdedit /enum '{current}' | Out-String\n"
                                + "if ($b -match 'testsigning\\s+Yes') { 'on' } else { 'off'; exit 1 }",
                        "bcdedit /set testsigning on, then reboot (guest-setup.ps1 does it)"),
                new GuestCheck("Secure Boot off",
                        "try { if (Confirm-SecureBootUEFI) { 'on: test-signed drivers cannot load'; exit 1 } else { 'off' } }"
                                + " catch { 'not UEFI or not supported' }",
                        "turn Secure Boot off in the VM's firmware (or use a box with BIOS firmware)"),
                new GuestCheck("crash dumps",
                        "$cc = Get-ItemProperty 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\CrashControl'\n"
                                + "'CrashDumpEnabled={0} AutoReboot={1}' -f $cc.CrashDumpEnabled, $cc.AutoReboot\n"
                                + "if ($cc.CrashDumpEnabled -eq 0 -or $cc.AutoReboot -ne 1) { exit 1 }\n"
                                + "if ($cc.CrashDumpEnabled -eq 3) { exit 2 }",
                        "CrashDumpEnabled 2 (kernel memory dump, with a minidump beside it) and AutoReboot 1"
                                + " (guest-setup.ps1)"),
                new GuestCheck("pagefile large enough for a kernel dump",
                        "$ram = (Get-CimInstance Win32_ComputerSystem).TotalPhysicalMemory / 1MB\n"
                                + "$pf = (Get-CimInstance Win32_PageFileUsage | Measure-Object AllocatedBaseSize -Sum).Sum\n"
                                + "'pagefile {0} MiB, RAM {1:N0} MiB' -f $pf, $ram\n"
                                + "if ($pf -lt ($ram / 3)) { exit 1 }",
                        "a fixed pagefile of at least RAM + 512 MiB (guest-setup.ps1), or no dump is written"),
                new GuestCheck("room on C: for the pagefile and a kernel dump", DiskRoom.SCRIPT,
                        "give the box a larger disk and extend C: (or the guest less memory): without the room,"
                        + " Windows loses the dump", this::diskRoom),
                new GuestCheck("test certificate trusted",
                        "$r = @(Get-ChildItem Cert:\\LocalMachine\\Root | Where-Object Subject -like '*xidlab*').Count\n"
                                + "$t = @(Get-ChildItem Cert:\\LocalMachine\\TrustedPublisher | Where-Object Subject -like '*xidlab*').Count\n"
                                + "'Root {0}, TrustedPublisher {1}' -f $r, $t\n"
                                + "if ($r -eq 0 -or $t -eq 0) { exit 1 }",
                        "xidlab lab up installs it (install-driver.ps1 imports target/driver/xidlab-test.crt)"),
                new GuestCheck("driver loaded",
                        "$f = fltmc filters | Out-String\n"
                                + "if ($f -match '" + Wire.FILTER_NAME + "') { 'loaded' } else { 'not loaded'; exit 1 }",
                        "xidlab lab up installs and loads it (install-driver.ps1); fltmc load " + Wire.FILTER_NAME),
                new GuestCheck("RTC in UTC",
                        "$v = (Get-ItemProperty 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\TimeZoneInformation'"
                                + " -ErrorAction SilentlyContinue).RealTimeIsUniversal\n"
                                + "if ($v -eq 1) { 'RealTimeIsUniversal=1' } else { 'local-time RTC'; exit 2 }",
                        "RealTimeIsUniversal=1 (guest-setup.ps1): libvirt's clock is UTC"),
                new GuestCheck("java 17+",
                        "$v = (java -version 2>&1 | Select-Object -First 1) -replace '.*version \"(\\d+).*', '$1'\n"
                                + "'java ' + $v; if ([int]$v -lt 17) { exit 1 }",
                        "provision again with XIDLAB_GUEST_JRE_MSI set, or use a box with a JRE 17+"),
                new GuestCheck("Defender real-time scanning off",
                        "$m = Get-MpPreference -ErrorAction SilentlyContinue\n"
                                + "if (-not $m -or $m.DisableRealtimeMonitoring) { 'off' } else { 'on: it filters the same I/O'; exit 2 }",
                        "turn off Tamper Protection, then Set-MpPreference -DisableRealtimeMonitoring $true (guest-setup.ps1 tries)"));
    }

    private GuestCheck.Judged diskRoom(String answer) {
        return DiskRoom.parse(answer).map(room -> room.judge(plannedMemoryMiB))
                .orElse(new GuestCheck.Judged(false, "the guest's figures did not read: " + answer.strip()));
    }

    static String quote(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
