#Requires -Version 5.1
<#
.SYNOPSIS
    Prepares the xidlab guest once: test signing, crash dumps (a kernel memory dump and its minidump), a pagefile
    that can hold them, a UTC hardware clock, no Defender real-time scanning and no Windows Update, and a JRE.
    A reboot follows (the Vagrantfile's next provisioner), then the sentinel C:\xidlab\provisioned is written.
    Everything it changes is listed in vagrant/README.md with how to undo it.
#>
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'
New-Item -ItemType Directory -Force -Path C:\xidlab, C:\xidlab\driver, C:\xidlab\runs | Out-Null
# A guest provisioned again has not finished until the last provisioner says so.
Remove-Item -Force -ErrorAction SilentlyContinue C:\xidlab\provisioned

# Test signing is refused while Secure Boot is on: say so instead of failing later at driver load.
try {
    if (Confirm-SecureBootUEFI) {
        throw 'Secure Boot is on: test-signed drivers cannot load. Use a box (or VM firmware) without Secure Boot.'
    }
} catch [System.PlatformNotSupportedException] {
    # Legacy BIOS firmware: no Secure Boot.
}
bcdedit /set testsigning on | Out-Null
if ($LASTEXITCODE -ne 0) { throw "bcdedit /set testsigning on failed ($LASTEXITCODE)" }

# Crash dumps. CrashDumpEnabled 2 is a kernel memory dump (MEMORY.DMP): it holds the thread stack that overflowed,
# behind the double fault's trap frame, which a minidump may not. Windows writes a minidump beside it in MinidumpDir.
# AlwaysKeepMemoryDump keeps MEMORY.DMP when the disk is low on space; NMICrashDump makes an NMI (virsh inject-nmi)
# bugcheck a hung guest, so a hang leaves a dump too.
$crash = 'HKLM:\SYSTEM\CurrentControlSet\Control\CrashControl'
Set-ItemProperty -Path $crash -Name CrashDumpEnabled -Value 2 -Type DWord
Set-ItemProperty -Path $crash -Name DumpFile -Value '%SystemRoot%\MEMORY.DMP' -Type ExpandString
Set-ItemProperty -Path $crash -Name MinidumpDir -Value '%SystemRoot%\Minidump' -Type ExpandString
Set-ItemProperty -Path $crash -Name AutoReboot -Value 1 -Type DWord
Set-ItemProperty -Path $crash -Name Overwrite -Value 1 -Type DWord
Set-ItemProperty -Path $crash -Name AlwaysKeepMemoryDump -Value 1 -Type DWord
Set-ItemProperty -Path $crash -Name NMICrashDump -Value 1 -Type DWord

# A fixed pagefile large enough for the kernel dump: no pagefile, no dump.
$cs = Get-CimInstance Win32_ComputerSystem
if ($cs.AutomaticManagedPagefile) {
    Set-CimInstance -InputObject $cs -Property @{ AutomaticManagedPagefile = $false }
}
$ramMiB = [int]($cs.TotalPhysicalMemory / 1MB)
# Room on C: for that pagefile and for MEMORY.DMP, which Windows makes from it at the next boot (at most the memory):
# without it the dump is lost. The present pagefile and dump are replaced, so their room counts. `xidlab lab doctor`
# checks the same (DiskRoom.java), at the memory a site's sizing gives the guest.
$free = (Get-CimInstance Win32_LogicalDisk -Filter "DeviceID='C:'").FreeSpace / 1MB
$held = (Get-CimInstance Win32_PageFileUsage | Where-Object { $_.Name -like 'C:\*' } | Measure-Object AllocatedBaseSize -Sum).Sum
$oldDump = 0
if (Test-Path "$env:SystemRoot\MEMORY.DMP") { $oldDump = (Get-Item "$env:SystemRoot\MEMORY.DMP").Length / 1MB }
$need = ($ramMiB + 512) + $ramMiB
$have = [long]($free + $held + $oldDump)
if ($have -lt $need) {
    throw "C: lacks $($need - $have) MiB: the pagefile ($($ramMiB + 512) MiB) and MEMORY.DMP ($ramMiB MiB) need $need MiB, C: has $have MiB for them. Give the box a larger disk and extend C:"
}
Get-CimInstance Win32_PageFileSetting | Remove-CimInstance -ErrorAction SilentlyContinue
New-CimInstance -ClassName Win32_PageFileSetting -Property @{
    Name = 'C:\pagefile.sys'; InitialSize = [uint32]($ramMiB + 512); MaximumSize = [uint32]($ramMiB * 2 + 512)
} | Out-Null

# libvirt keeps the VM's hardware clock in UTC; Windows reads it as local time unless told otherwise, which moves
# the guest's clock by the time zone at every boot.
Set-ItemProperty -Path 'HKLM:\SYSTEM\CurrentControlSet\Control\TimeZoneInformation' -Name RealTimeIsUniversal `
    -Value 1 -Type DWord

# Defender's real-time scanning is a file-system filter on the same I/O path as the driver under test, and Windows
# Update reboots and downloads on its own schedule: both off in the lab guest. Tamper Protection (on by default in
# Windows 11) refuses the first change; it is reported, not fatal (xidlab lab doctor shows it).
try {
    Set-MpPreference -DisableRealtimeMonitoring $true
} catch {
    Write-Warning "Defender real-time scanning stays on ($($_.Exception.Message)): turn off Tamper Protection first"
}
Stop-Service -Name wuauserv -Force -ErrorAction SilentlyContinue
Set-Service -Name wuauserv -StartupType Disabled -ErrorAction SilentlyContinue
# Windows Update Medic can start the service again; the "Configure Automatic Updates" policy turned off is honoured
# by Pro, Enterprise and Education (not Home). A restart that still comes is seen by the lab (event 1074) and made a
# lab error with its reason, not taken for a crash without a dump.
$au = 'HKLM:\SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate\AU'
New-Item -Path $au -Force | Out-Null
Set-ItemProperty -Path $au -Name NoAutoUpdate -Value 1 -Type DWord
Set-ItemProperty -Path $au -Name NoAutoRebootWithLoggedOnUsers -Value 1 -Type DWord

# The lab runs the xidlab jar in the guest: a JRE 17+ from an MSI the host uploaded (XIDLAB_GUEST_JRE_MSI), or
# Eclipse Temurin's from Adoptium when the guest can reach it. The MSI's default features put java on PATH.
if (-not (Get-Command java -ErrorAction SilentlyContinue)) {
    $msi = 'C:\Windows\Temp\xidlab-jre.msi'
    if (-not (Test-Path $msi)) {
        $msi = 'C:\xidlab\jre.msi'
        $url = 'https://api.adoptium.net/v3/installer/latest/17/ga/windows/x64/jre/hotspot/normal/eclipse'
        try {
            [Net.ServicePointManager]::SecurityProtocol = [Net.SecurityProtocolType]::Tls12
            Invoke-WebRequest -UseBasicParsing -Uri $url -OutFile $msi
        } catch {
            throw "no Java on the guest and no way to get one ($($_.Exception.Message)): set XIDLAB_GUEST_JRE_MSI to a Windows x64 JRE 17+ MSI on the host, or use a box with Java"
        }
    }
    $install = Start-Process msiexec.exe -ArgumentList @('/i', $msi, '/qn', '/norestart') -Wait -PassThru
    if ($install.ExitCode -ne 0 -and $install.ExitCode -ne 3010) { throw "the JRE MSI failed to install (msiexec $($install.ExitCode))" }
}
Write-Host 'xidlab guest prepared: test signing on, kernel dumps with AutoReboot, fixed pagefile, UTC clock, Java'
