#!/usr/bin/env bash
# Builds the kernel model, libxidmodel.so: driver/sim with the driver's own portable core (driver/core), so the
# model runs the same decisions the kernel driver makes. Usage: build-model.sh OUTDIR. Skips work when up to date.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: build-model.sh OUTDIR}"
lib="$out/libxidmodel.so"
sources=("$root"/driver/sim/*.c "$root/driver/core/xf_core.c")
headers=("$root"/driver/sim/*.h "$root"/driver/core/*.h "$root"/driver/include/*.h)

command -v gcc >/dev/null || { echo "build-model.sh: gcc is required to build the kernel model (apt-get install gcc)" >&2; exit 1; }

if [ -f "$lib" ]; then
    newer=$(find "${sources[@]}" "${headers[@]}" "$0" -newer "$lib" -print -quit)
    [ -z "$newer" ] && exit 0
fi
mkdir -p "$out"
gcc -std=gnu11 -O2 -g -fPIC -shared -fvisibility=hidden -pthread \
    -Wall -Wextra -Werror -Wno-unused-parameter \
    -I"$root/driver/include" -o "$lib.tmp" "${sources[@]}"
mv -f "$lib.tmp" "$lib"
echo "build-model.sh: built $lib"
