<#
.SYNOPSIS
    Prepares the xidlab guest once: test signing, crash dumps, a pagefile that can hold them, and a place for
    the driver, the xidlab jar and the dumps. A reboot follows (the Vagrantfile's next provisioner).
#>
$ErrorActionPreference = 'Stop'

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

# Small dumps in C:\Windows\Minidump, reboot after a bugcheck, keep the kernel dump too.
$crash = 'HKLM:\SYSTEM\CurrentControlSet\Control\CrashControl'
Set-ItemProperty -Path $crash -Name CrashDumpEnabled -Value 3 -Type DWord
Set-ItemProperty -Path $crash -Name MinidumpDir -Value '%SystemRoot%\Minidump' -Type ExpandString
Set-ItemProperty -Path $crash -Name AutoReboot -Value 1 -Type DWord
Set-ItemProperty -Path $crash -Name AlwaysKeepMemoryDump -Value 1 -Type DWord
Set-ItemProperty -Path $crash -Name Overwrite -Value 1 -Type DWord

# A fixed pagefile large enough for the dump: no pagefile, no dump.
$cs = Get-CimInstance Win32_ComputerSystem
if ($cs.AutomaticManagedPagefile) {
    Set-CimInstance -InputObject $cs -Property @{ AutomaticManagedPagefile = $false }
}
$ramMiB = [int]($cs.TotalPhysicalMemory / 1MB)
Get-CimInstance Win32_PageFileSetting | Remove-CimInstance -ErrorAction SilentlyContinue
New-CimInstance -ClassName Win32_PageFileSetting -Property @{
    Name = 'C:\pagefile.sys'; InitialSize = [uint32]($ramMiB + 512); MaximumSize = [uint32]($ramMiB * 2 + 512)
} | Out-Null

New-Item -ItemType Directory -Force -Path C:\xidlab, C:\xidlab\driver, C:\xidlab\scratch | Out-Null

if (-not (Get-Command java -ErrorAction SilentlyContinue)) {
    Write-Warning 'no Java on the guest: install a JRE 17+ (the lab runs the xidlab jar in the guest)'
}
Write-Host 'xidlab guest prepared: test signing on, minidumps with AutoReboot, fixed pagefile'
