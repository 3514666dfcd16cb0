#Requires -Version 5.1
<#
.SYNOPSIS
    Builds, catalogs and test-signs xidfilter.sys with the WDK on a Windows build machine.
.DESCRIPTION
    msbuild (Visual Studio 2022 + WDK) builds driver\wdk\xidfilter.vcxproj; inf2cat makes xidfilter.cat from the
    INF; signtool signs the .sys and the .cat with a test certificate (made once in CurrentUser\My and exported to
    driver\build\xidlab-test.cer, the file the test machine imports into LocalMachine\Root and TrustedPublisher).
    Output: driver\build\<Configuration>\xidfilter.sys, .inf, .cat. Debug is the checked flavour (DBG=1: PAGED_CODE()
    and the assertions are real checks), as scripts/build-driver.sh builds target/driver/checked on Linux.
.EXAMPLE
    powershell -ExecutionPolicy Bypass -File scripts\build-driver.ps1 -Configuration Release
#>
param(
    [ValidateSet('Release', 'Debug')] [string] $Configuration = 'Release',
    [string] $CertificateSubject = 'CN=xidlab test signing (not trusted)'
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'
$root = Split-Path -Parent $PSScriptRoot
$out = Join-Path $root "driver\build\$Configuration"

function Find-Tool([string] $name) {
    $kits = Join-Path ${env:ProgramFiles(x86)} 'Windows Kits\10\bin'
    $found = Get-ChildItem -Path $kits -Recurse -Filter $name -ErrorAction SilentlyContinue |
        Where-Object { $_.FullName -match '\\x64\\' -or $_.FullName -match '\\x86\\' } |
        Sort-Object FullName -Descending | Select-Object -First 1
    if (-not $found) { throw "$name not found under ${kits}: install the Windows Driver Kit" }
    return $found.FullName
}

$vswhere = Join-Path ${env:ProgramFiles(x86)} 'Microsoft Visual Studio\Installer\vswhere.exe'
if (-not (Test-Path $vswhere)) { throw 'Visual Studio 2022 with the WDK extension is required (vswhere.exe not found)' }
$msbuild = & $vswhere -latest -requires Microsoft.Component.MSBuild -find 'MSBuild\**\Bin\MSBuild.exe' | Select-Object -First 1
if (-not $msbuild) { throw 'MSBuild not found by vswhere' }

& $msbuild (Join-Path $root 'driver\wdk\xidfilter.vcxproj') /m /p:Configuration=$Configuration /p:Platform=x64 `
    /p:SignMode=Off /p:EnableInf2cat=false
if ($LASTEXITCODE -ne 0) { throw "msbuild failed ($LASTEXITCODE)" }
Copy-Item (Join-Path $root 'driver\wdk\xidfilter.inf') $out -Force

$inf2cat = Find-Tool 'inf2cat.exe'
& $inf2cat "/driver:$out" '/os:10_X64' '/uselocaltime'
if ($LASTEXITCODE -ne 0) { throw "inf2cat failed ($LASTEXITCODE)" }

$cert = Get-ChildItem Cert:\CurrentUser\My | Where-Object { $_.Subject -eq $CertificateSubject } | Select-Object -First 1
if (-not $cert) {
    $cert = New-SelfSignedCertificate -Type CodeSigningCert -Subject $CertificateSubject -KeyAlgorithm RSA `
        -KeyLength 2048 -HashAlgorithm SHA256 -CertStoreLocation Cert:\CurrentUser\My -NotAfter (Get-Date).AddYears(5)
}
Export-Certificate -Cert $cert -FilePath (Join-Path $root 'driver\build\xidlab-test.cer') | Out-Null

$signtool = Find-Tool 'signtool.exe'
foreach ($file in 'xidfilter.sys', 'xidfilter.cat') {
    & $signtool sign /fd sha256 /sha1 $cert.Thumbprint /t http://timestamp.digicert.com (Join-Path $out $file)
    if ($LASTEXITCODE -ne 0) {
        # No network for a timestamp: an untimestamped test signature loads the same in test-signing mode.
        & $signtool sign /fd sha256 /sha1 $cert.Thumbprint (Join-Path $out $file)
        if ($LASTEXITCODE -ne 0) { throw "signtool failed on $file" }
    }
}
Write-Host "built and test-signed: $out\xidfilter.sys (+ .inf, .cat); test certificate: driver\build\xidlab-test.cer"
