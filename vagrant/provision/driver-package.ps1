#Requires -Version 5.1
<#
.SYNOPSIS
    Installs and loads, or unloads and uninstalls, a driver package the lab uploaded into -Dir (issue 24: the
    user's own minifilter, or a site's co-resident one), the way the host read its INF to say (-Method): the INF's
    [DefaultInstall] section, pnputil for a PnP INF, or, for a bare .sys, a minifilter service with its Instances
    keys. Any failure ends the script with exit 1 and one line on stderr that says why: the host reports the last.
#>
param(
    [Parameter(Mandatory)] [ValidateSet('Install', 'Uninstall')] [string] $Action,
    [Parameter(Mandatory)] [string] $Dir,
    [Parameter(Mandatory)] [string] $Module,
    [Parameter(Mandatory)] [string] $Service,
    [Parameter(Mandatory)] [ValidateSet('DefaultInstall', 'PnP', 'Service')] [string] $Method,
    [string] $Inf = '',
    [string] $Section = '',
    [string] $UninstallSection = '',
    [string] $Altitude = '',
    [switch] $KeepXidfilter
)
Set-StrictMode -Version Latest
$ErrorActionPreference = 'Stop'

$ServiceKeys = 'HKLM:\SYSTEM\CurrentControlSet\Services'
$CopiedSys = Join-Path "$env:SystemRoot\System32\drivers" $Module
$PackageSys = Join-Path $Dir $Module

function Fail([string] $Why) {
    [Console]::Error.WriteLine(($Why -replace '\s+', ' ').Trim())
    exit 1
}

# A native tool's exit code and its answer, stdout and stderr as one text. Under 'Stop', Windows PowerShell 5.1
# turns a native tool's redirected stderr into a terminating error, so the call runs under 'Continue' (this
# function's own preference).
function Invoke-Tool([string] $Exe, [string[]] $Arguments) {
    $ErrorActionPreference = 'Continue'
    $lines = @(& $Exe @Arguments 2>&1 | ForEach-Object { "$_" })
    [pscustomobject]@{ Code = $LASTEXITCODE; Text = ($lines -join "`n").Trim() }
}

# The HRESULT a tool printed ("Load failed with error: 0x80070241"), else its exit code written as one.
function Get-Hresult($Answer) {
    if ($Answer.Text -match '0x[0-9A-Fa-f]{8}') { return '0x' + $Matches[0].Substring(2).ToUpperInvariant() }
    '0x{0:X8}' -f $Answer.Code
}

function Get-LastLine($Answer) {
    @($Answer.Text -split "`n" | Where-Object { $_.Trim() }) | Select-Object -Last 1
}

# fltmc filters names each loaded filter first on its row; a minifilter registers under its service's name.
function Test-Loaded([string] $Name) {
    (Invoke-Tool 'fltmc.exe' @('filters')).Text -match ('(?im)^\s*' + [regex]::Escape($Name) + '\s')
}

# Not loaded (ERROR_FLT_FILTER_NOT_FOUND, 0x801F0013) is no error: only a filter still listed after it is.
function Invoke-Unload([string] $Name, [string] $Because) {
    $answer = Invoke-Tool 'fltmc.exe' @('unload', $Name)
    if ($answer.Code -ne 0 -and (Test-Loaded $Name)) {
        Fail "$Name did not unload: fltmc unload $Name answered $(Get-Hresult $answer) ($Because)"
    }
}

# A test-signed driver loads only when its signer is trusted by the machine: its certificate in Root (the chain)
# and in TrustedPublisher (the publisher). -f: a certificate already there is no error.
function Import-Certificates {
    foreach ($cer in @(Get-ChildItem -LiteralPath $Dir -Filter '*.cer' -File)) {
        foreach ($store in 'Root', 'TrustedPublisher') {
            $answer = Invoke-Tool 'certutil.exe' @('-f', '-addstore', $store, $cer.FullName)
            if ($answer.Code -ne 0) {
                Fail "$Module was not installed: certutil -addstore $store $($cer.Name) answered $(Get-Hresult $answer)"
            }
        }
    }
}

# rundll32 is a GUI program, which PowerShell does not wait for, and InstallHinfSection returns nothing: it is
# waited for here, with a bound (a dialog in this session would wait for an answer no one gives), and judged by
# what it leaves. Mode 128: the INF's own directory is its files' source, and never reboot; 132 (128 + 4) would ask
# the user, in a dialog, for a reboot the install wants.
function Invoke-InfSection([string] $Name) {
    $infPath = Join-Path $Dir $Inf
    $p = Start-Process -FilePath "$env:SystemRoot\System32\rundll32.exe" -NoNewWindow -PassThru `
        -ArgumentList "setupapi.dll,InstallHinfSection $Name 128 $infPath"
    if (-not $p.WaitForExit(180000)) {
        try { $p.Kill() } catch { }
        Fail "$Module was not installed: InstallHinfSection $Name $Inf did not finish in 3 minutes (a dialog waiting in the session?)"
    }
}

function Install-FromInf {
    if ($Method -eq 'DefaultInstall') {
        Invoke-InfSection $Section
        $how = "InstallHinfSection $Section $Inf"
    } else {
        $answer = Invoke-Tool 'pnputil.exe' @('/add-driver', (Join-Path $Dir $Inf), '/install')
        # PnPUtil's documented answers: 0 installed; 3010 installed, a reboot wanted; 259 (ERROR_NO_MORE_ITEMS)
        # added to the driver store but no device took it (none matched, or one has a better driver).
        if ($answer.Code -notin @(0, 259, 3010)) {
            Fail "$Module was not installed: pnputil /add-driver $Inf /install answered $($answer.Code): $(Get-LastLine $answer)"
        }
        $how = "pnputil /add-driver $Inf /install (answered $($answer.Code))"
    }
    if (-not (Test-Path "$ServiceKeys\$Service")) {
        Fail "$Module was not installed: $how made no service $Service (its AddService names another? the plan's service names it; see %windir%\inf\setupapi.app.log and setupapi.dev.log)"
    }
}

# What the INF of a minifilter would write (sc.exe's type filesys is SERVICE_FILE_SYSTEM_DRIVER), in both of the
# layouts of Microsoft's minifilter samples: Instances (before build 25952) and Parameters\Instances (25952 on).
function Install-Service {
    try { Copy-Item -LiteralPath $PackageSys -Destination $CopiedSys -Force }
    catch { Fail "$Module was not installed: copying it to $CopiedSys failed: $($_.Exception.Message)" }
    $key = "$ServiceKeys\$Service"
    if (-not (Test-Path $key)) {
        $answer = Invoke-Tool 'sc.exe' @('create', $Service, 'type=', 'filesys', 'start=', 'demand', 'error=', 'normal',
            'binPath=', "System32\drivers\$Module", 'group=', 'FSFilter Activity Monitor', 'depend=', 'FltMgr')
        if ($answer.Code -ne 0) {
            Fail "$Module was not installed: sc.exe create $Service answered $($answer.Code): $(Get-LastLine $answer)"
        }
    }
    foreach ($instances in "$key\Instances", "$key\Parameters\Instances") {
        New-Item -Path $instances -Force | Out-Null
        Set-ItemProperty -Path $instances -Name DefaultInstance -Value "$Service Instance"
        New-Item -Path "$instances\$Service Instance" -Force | Out-Null
        Set-ItemProperty -Path "$instances\$Service Instance" -Name Altitude -Value $Altitude -Type String
        Set-ItemProperty -Path "$instances\$Service Instance" -Name Flags -Value 0 -Type DWord
    }
}

function Get-LoadHint([string] $Hr) {
    switch ($Hr) {
        '0x80070241' {
            $status = (Get-AuthenticodeSignature -LiteralPath $PackageSys).Status
            return "the signature is not trusted, Authenticode status $status`: test signing on? its .cer in the package?"
        }
        '0x80070002' { return "there is no service $Service to load: did the install make it under another name?" }
        '0x800700C1' { return 'not a driver image this Windows runs: an x64 build?' }
        '0x800707D1' { return 'not a driver image this Windows runs: an x64 build?' }
        default { return 'the System log says more: Service Control Manager, CodeIntegrity' }
    }
}

# Idempotent: FilterLoad's documented "already running" answers are ERROR_ALREADY_EXISTS (0x800700B7) and
# ERROR_SERVICE_ALREADY_RUNNING (0x80070420).
function Invoke-Load {
    $answer = Invoke-Tool 'fltmc.exe' @('load', $Service)
    $hr = Get-Hresult $answer
    if ($answer.Code -ne 0 -and $hr -notin @('0x800700B7', '0x80070420') -and $answer.Text -notmatch 'already') {
        Fail "$Module did not load: fltmc load $Service answered $hr ($(Get-LoadHint $hr))"
    }
    if (-not (Test-Loaded $Service)) {
        Fail "$Module did not load: fltmc load $Service answered $hr, but fltmc filters does not list $Service"
    }
}

# pnputil /enum-drivers lists the driver store's packages by published name (oem#.inf) and original name; its
# labels are read in English, the lab's boxes' language.
function Get-PublishedInf {
    $published = ''
    foreach ($line in (Invoke-Tool 'pnputil.exe' @('/enum-drivers')).Text -split "`n") {
        if ($line -match '^\s*Published Name\s*:\s*(\S+)') {
            $published = $Matches[1]
        } elseif ($line -match '^\s*Original Name\s*:\s*(\S+)' -and $Matches[1] -eq $Inf -and $published) {
            $published
        }
    }
}

function Uninstall-Package {
    Invoke-Unload $Service 'a filter without an unload routine stays loaded until a reboot'
    $removed = $false
    if ($Method -ne 'Service') {
        foreach ($oem in @(Get-PublishedInf)) {
            $answer = Invoke-Tool 'pnputil.exe' @('/delete-driver', $oem, '/uninstall', '/force')
            if ($answer.Code -notin @(0, 3010)) {
                Fail "$Module was not uninstalled: pnputil /delete-driver $oem /uninstall /force answered $($answer.Code): $(Get-LastLine $answer)"
            }
            $removed = $true
        }
        # A legacy [DefaultInstall] leaves no package in the driver store: its [DefaultUninstall] undoes it.
        if (-not $removed -and $UninstallSection) {
            Invoke-InfSection $UninstallSection
            $removed = $true
        }
    }
    # What nothing else removes (a bare .sys, a legacy INF without [DefaultUninstall]), so the next configuration's
    # driver is alone. ERROR_SERVICE_DOES_NOT_EXIST (1060) and ERROR_SERVICE_MARKED_FOR_DELETE (1072): gone already.
    if (-not $removed -and (Test-Path "$ServiceKeys\$Service")) {
        $answer = Invoke-Tool 'sc.exe' @('delete', $Service)
        if ($answer.Code -notin @(0, 1060, 1072)) {
            Fail "$Module was not uninstalled: sc.exe delete $Service answered $($answer.Code): $(Get-LastLine $answer)"
        }
    }
    if ($Method -eq 'Service' -and (Test-Path -LiteralPath $CopiedSys)) {
        try { Remove-Item -LiteralPath $CopiedSys -Force }
        catch { Fail "$Module was not uninstalled: removing $CopiedSys failed: $($_.Exception.Message)" }
    }
}

try {
    if ($Action -eq 'Install') {
        if (-not (Test-Path -LiteralPath $PackageSys)) { Fail "$Module was not installed: it is not in $Dir" }
        if (-not $KeepXidfilter) {
            Invoke-Unload 'XidFilter' "the user's driver would run beside it"
        }
        # An earlier session may have left it loaded: unloaded, its files can be replaced.
        Invoke-Unload $Service 'its files cannot be replaced while it runs'
        Import-Certificates
        if ($Method -eq 'Service') { Install-Service } else { Install-FromInf }
        Invoke-Load
        "$Module loaded as $Service"
    } else {
        Uninstall-Package
        "$Module uninstalled"
    }
} catch {
    Fail "$Module`: $($_.Exception.Message)"
}
exit 0
