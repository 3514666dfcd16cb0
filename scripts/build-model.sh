#!/usr/bin/env bash
# Builds the kernel model, libxidmodel.so: driver/sim with the driver's own portable core (driver/core), so the
# model runs the same decisions the kernel driver makes. Usage: build-model.sh OUTDIR. Skips work when up to date.
# The compiler line is driver/Makefile's (target model).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: build-model.sh OUTDIR}"

command -v gcc >/dev/null || { echo "build-model.sh: gcc is required to build the kernel model (apt-get install gcc)" >&2; exit 1; }
command -v make >/dev/null || { echo "build-model.sh: make is required to build the kernel model (apt-get install make)" >&2; exit 1; }

mkdir -p "$out"
out="$(cd "$out" && pwd)"
lib="$out/libxidmodel.so"
make -s -q -C "$root/driver" model OUT="$out" && exit 0
make -s -C "$root/driver" model OUT="$out"
echo "build-model.sh: built $lib"
