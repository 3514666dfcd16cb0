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
for tool in make x86_64-w64-mingw32-gcc x86_64-w64-mingw32-dlltool x86_64-w64-mingw32-objcopy; do
    if ! command -v "$tool" >/dev/null; then
        echo "build-lint-corpus.sh: skipped: $tool is not installed (apt-get install make gcc-mingw-w64-x86-64 mingw-w64-x86-64-dev)"
        exit 0
    fi
done
corpus="$root/driver/lint-corpus"
if [ -f "$out/i386.sys" ] && [ -z "$(find "$corpus" "$root/driver/mingw" "$root/driver/Makefile" "$0" -newer "$out/i386.sys" -print -quit)" ]; then
    exit 0
fi
mkdir -p "$out"
# The compiler lines and flags are driver/Makefile's (target lint-corpus).
make -s -C "$root/driver" lint-corpus OUT="$(cd "$out" && pwd)"
echo "build-lint-corpus.sh: built the lint corpus in $out"
