#!/usr/bin/env bash
# Cross-builds xidfilter.sys for x64 with mingw-w64 (native subsystem, entry DriverEntry, no C runtime, imports from
# ntoskrnl.exe, HAL.dll and FLTMGR.SYS only), test-signs it, and builds the Wine smoke-test client. Two flavours:
# OUTDIR/xidfilter.sys (free) and OUTDIR/checked/xidfilter.sys (DBG=1: PAGED_CODE and the assertions are real
# checks, a breakpoint or a bugcheck when they fail). Both get the WDK build's layout: PASSIVE_LEVEL-only routines
# in a PAGE code section, DriverEntry-only ones in a discardable INIT section (see XF_PAGED in
# driver/core/xf_platform.h). Also OUTDIR/fixed/field/xidfilter.sys and OUTDIR/fixed/skip-paging-io/xidfilter.sys: the
# free build with a constant registration (XF_FIXED_OPERATION_FLAGS: 0, and SKIP_PAGING_IO on every operation), the
# form `xidlab driver lint` reads from an image (the default build makes its table at load). Warnings are errors, -Wconversion -Wsign-conversion included (MSVC's /W4 C4267 and
# C4244 class); the mingw-w64 headers are -isystem, so only our code is held to them.
# Usage: build-driver.sh OUTDIR. Without mingw-w64 or osslsigncode it says so and builds nothing (tests then skip).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: build-driver.sh OUTDIR}"
for tool in make x86_64-w64-mingw32-gcc x86_64-w64-mingw32-dlltool osslsigncode openssl od dd; do
    if ! command -v "$tool" >/dev/null; then
        echo "build-driver.sh: skipped: $tool is not installed (apt-get install make gcc-mingw-w64-x86-64 mingw-w64-x86-64-dev osslsigncode openssl)"
        exit 0
    fi
done
inputs=("$root"/driver/src/*.c "$root"/driver/core/*.c "$root/driver/Makefile" "$root"/driver/src/*.h
        "$root"/driver/core/*.h "$root"/driver/include/*.h
        "$root"/driver/mingw/* "$root"/driver/tools/*.c "$0" "$root/scripts/sign-driver.sh"
        "$root/scripts/make-test-cert.sh")
if [ -f "$out/xidfilter.sys" ] && [ -f "$out/checked/xidfilter.sys" ] && [ -f "$out/xfclient.exe" ] && \
   [ -f "$out/fixed/field/xidfilter.sys" ] && [ -f "$out/fixed/skip-paging-io/xidfilter.sys" ] && \
   [ -z "$(find "${inputs[@]}" -newer "$out/xidfilter.sys" -print -quit)" ]; then
    exit 0
fi
mkdir -p "$out/obj" "$out/checked" "$out/fixed/field" "$out/fixed/skip-paging-io"
out="$(cd "$out" && pwd)"

# Sets IMAGE_SCN_MEM_DISCARDABLE on a section of a linked PE, as the WDK's link does for INIT (/SECTION:INIT,d):
# gas has no flag for it. The checksum this leaves stale is recomputed when the image is signed.
mark_discardable() {
    local file=$1 name=$2 pe sections optional table i header found chars
    pe=$(od -An -tu4 -j60 -N4 "$file" | tr -d ' ')
    sections=$(od -An -tu2 -j$((pe + 6)) -N2 "$file" | tr -d ' ')
    optional=$(od -An -tu2 -j$((pe + 20)) -N2 "$file" | tr -d ' ')
    table=$((pe + 24 + optional))
    for ((i = 0; i < sections; i++)); do
        header=$((table + 40 * i))
        found=$(dd if="$file" bs=1 skip=$header count=8 2>/dev/null | tr -d '\0')
        if [ "$found" = "$name" ]; then
            chars=$(( $(od -An -tu4 -j$((header + 36)) -N4 "$file" | tr -d ' ') | 0x02000000 ))
            # %b expands the \0NNN escapes in its argument, not in the format: the four bytes, little-endian.
            printf '%b' "$(printf '\\0%03o\\0%03o\\0%03o\\0%03o' $((chars & 255)) $(((chars >> 8) & 255)) \
                $(((chars >> 16) & 255)) $(((chars >> 24) & 255)))" |
                dd of="$file" bs=1 seek=$((header + 36)) conv=notrunc 2>/dev/null
            return 0
        fi
    done
    echo "build-driver.sh: $file has no $name section" >&2
    return 1
}

# The four unsigned images and xfclient.exe; the compiler lines and the warnings are driver/Makefile's.
make -s -C "$root/driver" kernel OUT="$out"
for variant in xidfilter checked field skip-paging-io; do
    image="$out/obj/xidfilter.unsigned.sys"
    [ "$variant" = xidfilter ] || image="$out/obj/xidfilter.$variant.unsigned.sys"
    mark_discardable "$image" INIT
done

bash "$root/scripts/make-test-cert.sh" "$out/cert"
bash "$root/scripts/sign-driver.sh" "$out/obj/xidfilter.checked.unsigned.sys" "$out/checked/xidfilter.sys" "$out/cert"
bash "$root/scripts/sign-driver.sh" "$out/obj/xidfilter.unsigned.sys" "$out/xidfilter.sys" "$out/cert"
for variant in field skip-paging-io; do
    bash "$root/scripts/sign-driver.sh" "$out/obj/xidfilter.$variant.unsigned.sys" "$out/fixed/$variant/xidfilter.sys" \
        "$out/cert"
done
cp "$out/cert/xidlab-test.crt" "$out/xidlab-test.crt"
echo "build-driver.sh: built $out/xidfilter.sys and $out/checked/xidfilter.sys"
