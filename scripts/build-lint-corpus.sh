#!/usr/bin/env bash
# Cross-builds the lint corpus (driver/lint-corpus/*.c: small minifilters, each one case of `xidlab driver lint`'s
# rules) into OUTDIR, -O2 and stripped as a customer's release build is, so no symbol helps the lint. A case is built
# once with flags 0 (NAME.sys) and once with FLTFL_OPERATION_REGISTRATION_SKIP_PAGING_IO (NAME-skip.sys). Also:
# not-a-pe.sys (a C source under a driver's name) and i386.sys (direct.sys rewritten by objcopy as a PE32 image for
# i386, the header the lint must refuse before reading anything else).
# Usage: build-lint-corpus.sh OUTDIR. Without mingw-w64 it says so and builds nothing (the lint's corpus tests skip).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: build-lint-corpus.sh OUTDIR}"
cc=x86_64-w64-mingw32-gcc
for tool in $cc x86_64-w64-mingw32-dlltool x86_64-w64-mingw32-objcopy; do
    if ! command -v "$tool" >/dev/null; then
        echo "build-lint-corpus.sh: skipped: $tool is not installed (apt-get install gcc-mingw-w64-x86-64 mingw-w64-x86-64-dev)"
        exit 0
    fi
done
corpus="$root/driver/lint-corpus"
if [ -f "$out/i386.sys" ] && [ -z "$(find "$corpus" "$root/driver/mingw" "$0" -newer "$out/i386.sys" -print -quit)" ]; then
    exit 0
fi
mkdir -p "$out/obj"
ddk_include=/usr/share/mingw-w64/include/ddk
[ -d "$ddk_include" ] || ddk_include="$($cc -print-sysroot)/mingw/include/ddk"
# The -Wl elements are quoted: their commas belong to -Wl (it passes them on to the linker), not between elements.
kernel=(-std=gnu11 -O2 -Wall -Wextra -Werror -Wno-multichar -Wno-array-bounds
        -D_AMD64_ -DNTDDI_VERSION=0x0A000000 -D_WIN32_WINNT=0x0A00 -isystem "$ddk_include" -I"$root/driver/mingw"
        -ffreestanding -fno-builtin -fno-stack-protector -mno-red-zone -mno-stack-arg-probe
        -nostdlib -shared "-Wl,--subsystem,native" "-Wl,--entry,DriverEntry" "-Wl,--image-base,0x140000000"
        "-Wl,--dynamicbase" "-Wl,--nxcompat" "-Wl,--exclude-all-symbols" -s)
x86_64-w64-mingw32-dlltool -d "$corpus/fltmgr.def" -l "$out/obj/libfltmgr.a"
for source in "$corpus"/*.c; do
    name=$(basename "$source" .c)
    $cc "${kernel[@]}" -DCORPUS_FLAGS=0 -o "$out/$name.sys" "$source" -L"$out/obj" -lfltmgr -lntoskrnl
    $cc "${kernel[@]}" -DCORPUS_FLAGS=FLTFL_OPERATION_REGISTRATION_SKIP_PAGING_IO -o "$out/$name-skip.sys" "$source" \
        -L"$out/obj" -lfltmgr -lntoskrnl
done
cp "$corpus/direct.c" "$out/not-a-pe.sys"
x86_64-w64-mingw32-objcopy -O pei-i386 "$out/direct.sys" "$out/i386.sys"
echo "build-lint-corpus.sh: built the lint corpus in $out"
