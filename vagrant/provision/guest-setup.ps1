<#
.SYNOPSIS
    Prepares the xidlab guest once: test signing, crash dumps, a pagefile that can hold them, and a place for
    the driver, the xidlab jar and the dumps. A reboot follows (the Vagrantfile's next provisioner).
#>
$ErrorActionPreference = 'Stop'
New-Item -ItemType Directory -Force -Path C:\xidlab, C:\xidlab\driver, C:\xidlab\scratch | Out-Null

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
Write-Host 'xidlab guest prepared: test signing on, minidumps with AutoReboot, fixed pagefile, Java'
