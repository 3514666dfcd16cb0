#!/usr/bin/env bash
# Cross-builds xidfilter.sys for x64 with mingw-w64 (native subsystem, entry DriverEntry, no C runtime, imports from
# ntoskrnl.exe, HAL.dll and FLTMGR.SYS only), test-signs it, and builds the Wine smoke-test client.
# Usage: build-driver.sh OUTDIR. Without mingw-w64 or osslsigncode it says so and builds nothing (tests then skip).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: build-driver.sh OUTDIR}"
cc=x86_64-w64-mingw32-gcc
for tool in $cc x86_64-w64-mingw32-dlltool osslsigncode openssl; do
    if ! command -v "$tool" >/dev/null; then
        echo "build-driver.sh: skipped: $tool is not installed (apt-get install gcc-mingw-w64-x86-64 mingw-w64-x86-64-dev osslsigncode openssl)"
        exit 0
    fi
done
sources=("$root"/driver/src/*.c "$root/driver/core/xf_core.c")
inputs=("${sources[@]}" "$root"/driver/src/*.h "$root"/driver/core/*.h "$root"/driver/include/*.h
        "$root"/driver/mingw/* "$root"/driver/tools/*.c "$0" "$root/scripts/sign-driver.sh")
if [ -f "$out/xidfilter.sys" ] && [ -f "$out/xfclient.exe" ] && \
   [ -z "$(find "${inputs[@]}" -newer "$out/xidfilter.sys" -print -quit)" ]; then
    exit 0
fi
mkdir -p "$out/obj"
ddk="$($cc -print-sysroot 2>/dev/null)"
ddk_include=/usr/share/mingw-w64/include/ddk
[ -d "$ddk_include" ] || ddk_include="$ddk/mingw/include/ddk"

x86_64-w64-mingw32-dlltool -d "$root/driver/mingw/fltmgr.def" -l "$out/obj/libfltmgr.a"

# -Wno-multichar: WDK-style pool tags; -Wno-array-bounds: a GCC 12 false positive inside mingw's __readgsqword.
$cc -std=gnu11 -O2 -Wall -Wextra -Werror -Wno-unknown-pragmas -Wno-unused-parameter -Wno-multichar -Wno-array-bounds \
    -DXF_KERNEL -D_AMD64_ -DNTDDI_VERSION=0x0A000000 -D_WIN32_WINNT=0x0A00 \
    -I"$ddk_include" -I"$root/driver/include" \
    -ffreestanding -fno-builtin -fno-stack-protector -mno-red-zone -mno-stack-arg-probe \
    -nostdlib -shared -Wl,--subsystem,native -Wl,--entry,DriverEntry -Wl,--image-base,0x140000000 \
    -Wl,--dynamicbase -Wl,--nxcompat -Wl,--forceinteg -Wl,--exclude-all-symbols \
    -o "$out/obj/xidfilter.unsigned.sys" "${sources[@]}" -L"$out/obj" -lfltmgr -lntoskrnl -lhal

$cc -std=gnu11 -O2 -Wall -Wextra -Werror -municode -o "$out/xfclient.exe" "$root/driver/tools/xfclient.c" 2>/dev/null \
  || $cc -std=gnu11 -O2 -Wall -Wextra -Werror -o "$out/xfclient.exe" "$root/driver/tools/xfclient.c"

bash "$root/scripts/make-test-cert.sh" "$out/cert"
bash "$root/scripts/sign-driver.sh" "$out/obj/xidfilter.unsigned.sys" "$out/xidfilter.sys" "$out/cert"
cp "$out/cert/xidlab-test.crt" "$out/xidlab-test.crt"
echo "build-driver.sh: built $out/xidfilter.sys"
