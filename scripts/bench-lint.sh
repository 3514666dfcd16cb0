#!/usr/bin/env bash
# The lint's benchmark (its figures: docs/benchmarks.md): `xidlab driver lint` timed on xidfilter's field build and
# on a generated ~5 MB minifilter whose read callback fans out through a tree of FUNCTIONS routines (each calling two
# more), one leaf of which calls PsLookupProcessByProcessId, so the lint decodes and follows all of its code.
# Not a test: it prints `xidlab bench lint` (the lint itself, first and warm, wall and CPU) and the wall-clock time of
# the whole command (JVM start included), with the machine and its load.
# Usage: bench-lint.sh OUTDIR [FUNCTIONS]   (needs mingw-w64, target/driver from the Maven build, ./xidlab's jar)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="${1:?usage: bench-lint.sh OUTDIR [FUNCTIONS]}"
n="${2:-24000}"
mkdir -p "$out"
src="$out/big.c"
if [ ! -f "$out/big.sys" ] || [ "$0" -nt "$out/big.sys" ]; then
{
    echo '#include "lint_corpus.h"'
    echo 'static NTSTATUS CorpusSetup(VOID) { return STATUS_SUCCESS; }'
    echo 'volatile ULONG Sink[1024];'
    for ((i = 0; i < n; i++)); do echo "ULONG F$i(ULONG x);"; done
    echo '__attribute__((noinline)) ULONG Leaf(ULONG x) { PEPROCESS p;'
    echo '    if (NT_SUCCESS(PsLookupProcessByProcessId((HANDLE)(ULONG_PTR)x, &p))) { ObDereferenceObject(p); }'
    echo '    return x + 1; }'
    for ((i = 0; i < n; i++)); do
        a=$((2 * i + 1)); b=$((2 * i + 2))
        left="Leaf(x)"; right="x + 7u"
        [ $a -lt "$n" ] && left="F$a(x)"
        [ $b -lt "$n" ] && right="F$b(x ^ 0x5bd1e995u)"
        printf '__attribute__((noinline)) ULONG F%d(ULONG x) {\n' "$i"
        printf '    x = x * 2654435761u + %du; x ^= x >> 13; x = x * 0x27d4eb2fu + %du; x ^= x >> 7;\n' "$i" "$a"
        printf '    x = x * 0x165667b1u + %du; x ^= x >> 11; x = x * 0x9e3779b9u + %du; x ^= x >> 5;\n' "$b" "$i"
        printf '    Sink[%d] += x; Sink[%d] ^= x >> 3; Sink[%d] -= x << 2;\n' $((i % 1024)) $(((i * 7) % 1024)) $(((i * 13) % 1024))
        printf '    if (x & 1) { x = %s; } else { x = %s; }\n' "$left" "$right"
        printf '    Sink[%d] += x; return x; }\n' $(((i * 3) % 1024))
    done
    echo 'static FLT_PREOP_CALLBACK_STATUS FLTAPI PreRead(PFLT_CALLBACK_DATA Data, PCFLT_RELATED_OBJECTS FltObjects,'
    echo '    PVOID *CompletionContext) { UNREFERENCED_PARAMETER(FltObjects); *CompletionContext = NULL;'
    echo '    Sink[0] = F0(FltGetRequestorProcessId(Data)); return FLT_PREOP_SUCCESS_NO_CALLBACK; }'
    echo 'static const FLT_OPERATION_REGISTRATION Operations[] = {'
    echo '    { IRP_MJ_READ, 0, PreRead, NULL, NULL }, { IRP_MJ_OPERATION_END, 0, NULL, NULL, NULL } };'
    echo 'CORPUS_DRIVER(Operations)'
} > "$src"
fi
# The compiler line is driver/Makefile's (target bench-image).
make -s -C "$root/driver" bench-image OUT="$(cd "$out" && pwd)"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(java -version 2>&1 | head -1)"
# The floor: the same command refusing a file at once (JVM start, picocli, the jar's classes).
echo 'not a driver' > "$out/not-a-pe.sys"
"$root/xidlab" driver lint "$out/not-a-pe.sys" >/dev/null 2>&1 || true   # builds the jar when it is stale
for image in "$out/not-a-pe.sys" "$root/target/driver/fixed/field/xidfilter.sys" "$out/big.sys"; do
    best=
    for _ in 1 2 3; do
        start=$(date +%s%N)
        "$root/xidlab" driver lint --json "$image" > "$out/last.json" 2>&1 || true
        ms=$(( ($(date +%s%N) - start) / 1000000 ))
        if [ -z "$best" ] || [ "$ms" -lt "$best" ]; then best=$ms; fi
    done
    echo "$image: $(stat -c %s "$image") bytes, best of 3: $best ms"
done
"$root/xidlab" bench lint "$root/target/driver/fixed/field/xidfilter.sys" "$out/big.sys"
