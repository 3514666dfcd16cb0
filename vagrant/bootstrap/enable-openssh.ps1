#Requires -Version 5.1
<#
.SYNOPSIS
    Makes a WinRM-only (or console-only) Windows box usable by the xidlab VM lab, once, from inside the guest:
    Windows' OpenSSH server on and started at boot, port 22 open, and a public key that logs in an administrator.

.DESCRIPTION
    Run it as Administrator in the guest (the VM's console, or any WinRM client), then package or keep the box:

        powershell -ExecutionPolicy Bypass -File enable-openssh.ps1 [-PublicKey 'ssh-rsa AAAA... comment']

    Without -PublicKey it installs Vagrant's public insecure key, which is what Vagrant and xidlab log in with when
    the Vagrantfile names no other key (XIDLAB_GUEST_KEY). Windows' OpenSSH reads an administrator's keys from
    C:\ProgramData\ssh\administrators_authorized_keys, never from %USERPROFILE%\.ssh\authorized_keys, and only
    when that file grants access to Administrators and SYSTEM alone; this script writes it so.

    It leaves OpenSSH's DefaultShell alone (cmd.exe): a PowerShell default shell turns every exit code into 0 or 1.
#>
param(
    [string] $PublicKey = 'ssh-rsa AAAAB3NzaC1yc2EAAAABIwAAAQEA6NF8iallvQVp22WDkTkyrtvp9eWW6A8YVr+kz4TjGYe7gHzIw+niNltGEFHzD8+v1I2YJ6oXevct1YeS0o9HZyN1Q9qgCgzUFtdOKLv6IedplqoPkcmF0aYet2PkEDo3MlTBckFXPITAMzF8dJSIFo9D8HfdOV0IAdx4O7PtixWKn5y2hMNG0zQPyUecp4pzC6kivAIhyfHilFR61RGL+GPXQ2MWZWFYbAGjyiYJnAmCP3NOTd0jMZEnDkbUvxhMmBYSdETk1rRgm+R4LOzFUGaHqHDLKLX+FIPKcF96hrucXzcWyLbIbEgE98OHlnVYCzRdK8jlqm8tehUc9c9WhQ== vagrant insecure public key'
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$ProgressPreference = 'SilentlyContinue'

$capability = Get-WindowsCapability -Online -Name 'OpenSSH.Server*' | Select-Object -First 1
if (-not $capability) { throw 'this Windows has no OpenSSH.Server capability (Windows 10 1809 or later has it)' }
if ($capability.State -ne 'Installed') {
    # Needs Windows Update or a Features on Demand source; an offline box needs -Source with the FoD ISO.
    Add-WindowsCapability -Online -Name $capability.Name | Out-Null
}
Set-Service -Name sshd -StartupType Automatic
Start-Service -Name sshd

if (-not (Get-NetFirewallRule -Name 'OpenSSH-Server-In-TCP' -ErrorAction SilentlyContinue)) {
    New-NetFirewallRule -Name 'OpenSSH-Server-In-TCP' -DisplayName 'OpenSSH Server (sshd)' -Enabled True `
        -Direction Inbound -Protocol TCP -Action Allow -LocalPort 22 | Out-Null
}

$keys = Join-Path $env:ProgramData 'ssh\administrators_authorized_keys'
$existing = if (Test-Path $keys) { @(Get-Content $keys) } else { @() }
if ($existing -notcontains $PublicKey) {
    Add-Content -Path $keys -Value $PublicKey -Encoding Ascii
}
# Inheritance off, Administrators and SYSTEM only: otherwise sshd ignores the file.
& icacls.exe $keys /inheritance:r /grant '*S-1-5-32-544:F' /grant '*S-1-5-18:F' | Out-Null
if ($LASTEXITCODE -ne 0) { throw "icacls on $keys failed ($LASTEXITCODE)" }

Restart-Service -Name sshd
Write-Host "OpenSSH server on port 22; administrators log in with the key in $keys"
