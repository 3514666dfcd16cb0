#!/usr/bin/env bash
# Runs the real xidfilter.sys under Wine (its ntoskrnl/winedevice host kernel drivers in user mode) in a fresh
# temporary prefix: installs it as a kernel service, starts it, runs the client on REQUESTS1, stops and starts it
# again (so a saved configuration is loaded), runs REQUESTS2; then a client opens the device and holds the handle
# while the driver is stopped (sc stop: the mandatory unload), sends HELD on the handle that outlived it and closes
# it; the driver is started a third time and answers AFTER; then it is stopped and whether it unloaded recorded.
# Everything happens in ONE Wine session: services end with the prefix's last Wine process.
# Usage: wine-smoke.sh DRIVERDIR REQUESTS1 REQUESTS2 HELD AFTER OUTDIR
#   (OUTDIR gets responses1.bin, responses2.bin, held.bin, after.bin and the commands' output as *.txt)
set -euo pipefail
driver="${1:?usage}"; requests1="${2:?usage}"; requests2="${3:?usage}"; held="${4:?usage}"; after="${5:?usage}"
out="${6:?usage}"
command -v wine >/dev/null || { echo "wine-smoke.sh: skipped: wine is not installed (apt-get install wine64)"; exit 0; }

cat <<'NOTE'
wine-smoke.sh: what this proves and what it does not:
  proven under Wine: the PE loads as a kernel driver, DriverEntry succeeds (filter registration, control device
    with its DACL, service-key reads/writes through the ZwOpenKey fallback, process-notify registration), every
    IOCTL and every bad input is answered by the driver's own code, a saved configuration is what the next load
    registers with, a stop with a handle still open unloads without waiting for the handle, the requests on
    that handle fail and its close is harmless, the next load answers, and the driver unloads.
  left out: pre-operation callbacks (Wine's fltmgr never calls them), process-notify callouts (never called),
    Xid computation in lookup and requestor modes (PsGetProcessCreateTimeQuadPart is a faulting stub in Wine 8),
    the self-test trigger, fltmc unload's refusal while a handle is open (Wine's fltmgr never calls the
    FilterUnload callback; sc stop reaches the driver's DriverUnload, a mandatory unload), which status the
    held handle's requests get (STATUS_DELETE_PENDING from the driver and Wine's answer for a deleted device
    both reach the client as ERROR_ACCESS_DENIED), IoOpenDriverRegistryKey and FsRtlIsSystemPagingFile (not in
    Wine 8: the fallbacks run), signature checks (Wine checks none), and everything about real paging.
NOTE

prefix_root="$(mktemp -d)"
export WINEPREFIX="$prefix_root/pfx" WINEDEBUG=-all WINEARCH=win64
cleanup() { wineserver -k >/dev/null 2>&1 || true; rm -rf "$prefix_root"; }
trap cleanup EXIT

wineboot -i >/dev/null 2>&1
wineserver -w
mkdir -p "$WINEPREFIX/drive_c/xidlab" "$out"
cp "$driver/xidfilter.sys" "$driver/xfclient.exe" "$WINEPREFIX/drive_c/xidlab/"
cp "$requests1" "$WINEPREFIX/drive_c/xidlab/requests1.bin"
cp "$requests2" "$WINEPREFIX/drive_c/xidlab/requests2.bin"
cp "$held" "$WINEPREFIX/drive_c/xidlab/held.bin"
cp "$after" "$WINEPREFIX/drive_c/xidlab/after.bin"
cat > "$WINEPREFIX/drive_c/xidlab/run.bat" <<'BAT'
@echo off
sc create xidfilter type= kernel start= demand binPath= C:\xidlab\xidfilter.sys > C:\xidlab\create.txt
sc start xidfilter > C:\xidlab\start1.txt
C:\xidlab\xfclient.exe C:\xidlab\requests1.bin C:\xidlab\responses1.bin > C:\xidlab\client1.txt 2>&1
sc stop xidfilter > C:\xidlab\stop1.txt
sc start xidfilter > C:\xidlab\start2.txt
C:\xidlab\xfclient.exe C:\xidlab\requests2.bin C:\xidlab\responses2.bin > C:\xidlab\client2.txt 2>&1
start /b C:\xidlab\xfclient.exe --hold C:\xidlab\held.bin C:\xidlab\held-out.bin C:\xidlab\ready.txt C:\xidlab\go.txt > C:\xidlab\held-client.txt 2>&1
call :wait ready.txt
sc stop xidfilter > C:\xidlab\stop2.txt
echo go > C:\xidlab\go.txt
call :wait held-client.txt "requests sent"
sc start xidfilter > C:\xidlab\start3.txt
C:\xidlab\xfclient.exe C:\xidlab\after.bin C:\xidlab\after-out.bin > C:\xidlab\client3.txt 2>&1
sc stop xidfilter > C:\xidlab\stop3.txt
sc query xidfilter > C:\xidlab\query.txt
goto :eof
rem wait FILE [TEXT]: until C:\xidlab\FILE exists (holds TEXT, when given), 60 tries a second apart, then on anyway.
:wait
set /a tries=0
:poll
if exist C:\xidlab\%1 if "%~2"=="" goto :eof
if exist C:\xidlab\%1 find %2 C:\xidlab\%1 > nul 2>&1 && goto :eof
set /a tries+=1
if %tries% gtr 60 goto :eof
ping -n 2 127.0.0.1 > nul
goto poll
BAT
timeout 300 wine cmd /c 'C:\xidlab\run.bat' >/dev/null 2>&1 || true
for f in responses1.bin responses2.bin create.txt start1.txt client1.txt stop1.txt start2.txt client2.txt stop2.txt \
         held-client.txt start3.txt client3.txt stop3.txt query.txt; do
    [ -f "$WINEPREFIX/drive_c/xidlab/$f" ] && cp "$WINEPREFIX/drive_c/xidlab/$f" "$out/"
done
[ -f "$WINEPREFIX/drive_c/xidlab/held-out.bin" ] && cp "$WINEPREFIX/drive_c/xidlab/held-out.bin" "$out/held.bin"
[ -f "$WINEPREFIX/drive_c/xidlab/after-out.bin" ] && cp "$WINEPREFIX/drive_c/xidlab/after-out.bin" "$out/after.bin"
echo "wine-smoke.sh: done, results in $out"
