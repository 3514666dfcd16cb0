#Requires -Version 5.1
<#
.SYNOPSIS
    Installs xidfilter from C:\xidlab\driver and loads it: the test certificate into LocalMachine Root and
    TrustedPublisher, the service and its Instances keys (what xidfilter.inf writes, so a build without a
    catalog installs the same way), then fltmc load.
#>
param([string] $From = 'C:\xidlab\driver')
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$cert = Join-Path $From 'xidlab-test.crt'
if (Test-Path $cert) {
    Import-Certificate -FilePath $cert -CertStoreLocation Cert:\LocalMachine\Root | Out-Null
    Import-Certificate -FilePath $cert -CertStoreLocation Cert:\LocalMachine\TrustedPublisher | Out-Null
}

# Not loaded yet is fine. Under 'Stop', Windows PowerShell 5.1 would turn fltmc's redirected stderr into a
# terminating error, so this one call runs under 'Continue'.
$ErrorActionPreference = 'Continue'
& fltmc unload XidFilter 2>&1 | Out-Null
$ErrorActionPreference = 'Stop'
Copy-Item (Join-Path $From 'xidfilter.sys') "$env:SystemRoot\System32\drivers\xidfilter.sys" -Force

$service = 'HKLM:\SYSTEM\CurrentControlSet\Services\XidFilter'
if (-not (Test-Path $service)) {
    & sc.exe create XidFilter type= filesys start= demand error= normal `
        binPath= 'System32\drivers\xidfilter.sys' group= 'FSFilter Activity Monitor' depend= FltMgr | Out-Null
    if ($LASTEXITCODE -ne 0) { throw "sc create failed ($LASTEXITCODE)" }
}
# Both of the INF's layouts: Instances (before build 25952) and Parameters\Instances (25952 and later).
foreach ($instances in "$service\Instances", "$service\Parameters\Instances") {
    New-Item -Path $instances -Force | Out-Null
    Set-ItemProperty -Path $instances -Name DefaultInstance -Value 'XidFilter Instance'
    New-Item -Path "$instances\XidFilter Instance" -Force | Out-Null
    Set-ItemProperty -Path "$instances\XidFilter Instance" -Name Altitude -Value '385100'
    Set-ItemProperty -Path "$instances\XidFilter Instance" -Name Flags -Value 0 -Type DWord
}

& fltmc load XidFilter
if ($LASTEXITCODE -ne 0) { throw "fltmc load XidFilter failed ($LASTEXITCODE): is test signing on and the certificate trusted?" }
Write-Host 'xidfilter loaded'
