/*++

Module Name:

    xf_core_internal.h

Abstract:

    What the files of the portable core share and the public xf_core.h does
    not show: the live settings word, the cache's read bound, the small
    helpers (inline, so no C runtime and no call on the paging path), and the
    routines one file of the core defines for another.

Environment:

    Kernel mode or the user-mode kernel model.

--*/

#ifndef XF_CORE_INTERNAL_H
#define XF_CORE_INTERNAL_H

#include <stddef.h>
#include "xf_core.h"

//
//  Live settings word: bits 0-7 Xid mode, 8-15 guard flags, 16-23 self-test,
//  32-63 guard stack threshold.
//

#define XF_LIVE_PACK(Mode, Guard, SelfTest, Threshold) \
    (((XF_U64)(Mode) & 0xFF) | (((XF_U64)(Guard) & 0xFF) << 8) | \
     (((XF_U64)(SelfTest) & 0xFF) << 16) | ((XF_U64)(Threshold) << 32))
#define XF_LIVE_MODE(w)         ((XF_U32)((w) & 0xFF))
#define XF_LIVE_GUARD(w)        ((XF_U32)(((w) >> 8) & 0xFF))
#define XF_LIVE_SELFTEST(w)     ((XF_U32)(((w) >> 16) & 0xFF))
#define XF_LIVE_THRESHOLD(w)    ((XF_U32)((w) >> 32))

//
//  A cache reader gives up (and counts a miss) after this many torn reads of
//  one slot, so a preempted writer cannot stall the callback.
//

#define XF_CACHE_READ_RETRIES   64

static inline void
XfCopyBytes(
    _Out_writes_bytes_(Length) void *Destination,
    _In_reads_bytes_(Length) const void *Source,
    _In_ size_t Length
    )
/*++

Routine Description:

    Byte copy that needs no C runtime. Source and destination do not overlap.

Arguments:

    Destination - Where the bytes go.

    Source - Where they come from.

    Length - How many.

Return Value:

    None.

--*/
{
    unsigned char *d = (unsigned char *)Destination;
    const unsigned char *s = (const unsigned char *)Source;
    size_t i;

    for (i = 0; i < Length; i++) {
        d[i] = s[i];
    }
}

static inline void
XfZeroBytes(
    _Out_writes_bytes_(Length) void *Destination,
    _In_ size_t Length
    )
/*++

Routine Description:

    Zeroes memory without a C runtime (volatile, so it is not turned into a
    call to memset).

Arguments:

    Destination - The memory.

    Length - Its size in bytes.

Return Value:

    None.

--*/
{
    volatile unsigned char *d = (volatile unsigned char *)Destination;
    size_t i;

    for (i = 0; i < Length; i++) {
        d[i] = 0;
    }
}

static inline XF_U64
XfHash64(
    _In_ XF_U64 Value
    )
/*++

Routine Description:

    Mixes a pointer or pid so neighbouring values spread over a table.

Arguments:

    Value - The pointer or pid.

Return Value:

    64 well-mixed bits.

--*/
{
    Value ^= Value >> 33;
    Value *= 0xff51afd7ed558ccdull;
    Value ^= Value >> 33;
    Value *= 0xc4ceb9fe1a85ec53ull;
    Value ^= Value >> 33;
    return Value;
}

static inline void
XfAtomicMax32(
    _Inout_ volatile XF_U32 *Target,
    _In_ XF_U32 Value
    )
/*++

Routine Description:

    Raises *Target to Value if it is lower, without a lock.

Arguments:

    Target - The running maximum.

    Value - A new observation.

Return Value:

    None.

--*/
{
    XF_U32 seen = XfLoad32(Target);

    while (Value > seen) {
        if (XfAtomicCas32(Target, seen, Value)) {
            return;
        }
        seen = XfLoad32(Target);
    }
}

static inline void
XfAtomicMin32(
    _Inout_ volatile XF_U32 *Target,
    _In_ XF_U32 Value
    )
/*++

Routine Description:

    Lowers *Target to Value if it is higher, without a lock.

Arguments:

    Target - The running minimum.

    Value - A new observation.

Return Value:

    None.

--*/
{
    XF_U32 seen = XfLoad32(Target);

    while (Value < seen) {
        if (XfAtomicCas32(Target, seen, Value)) {
            return;
        }
        seen = XfLoad32(Target);
    }
}

static inline XF_U64
XfLivePackConfig(
    _In_ const XF_CONFIG *Config
    )
/*++

Routine Description:

    Packs what the callback reads of a configuration into one word.

Arguments:

    Config - A validated configuration.

Return Value:

    The live settings word.

--*/
{
    return XF_LIVE_PACK(Config->XidMode, Config->GuardFlags, Config->SelfTest, Config->GuardStackThreshold);
}

//
//  The routines one file of the core defines for another (each described
//  where it is defined).
//

// xf_config.c
void XfResetCounters(_Inout_ XF_CORE *Core);

// xf_nesting.c
XF_NESTING_SLOT *XfNestingEnter(_Inout_ XF_CORE *Core, _In_ XF_U64 Thread, _Out_ XF_U32 *Depth);
void XfNestingLeave(_In_opt_ XF_NESTING_SLOT *Slot);

// xf_cache.c
int XfCacheFind(_In_ XF_CORE *Core, _In_ XF_U64 ProcessId, _Out_ XF_U64 *Xid, _Out_ XF_U64 *CreateTime);

// xf_xid.c
XF_NTSTATUS XfXidByLookup(_In_ XF_CORE *Core, _In_ XF_U64 ProcessId, _Out_ XF_U64 *Xid, _Out_ XF_U64 *CreateTime);
XF_U64 XfXidOfProcess(_In_ XF_CORE *Core, _In_ void *Process, _Out_ XF_U64 *CreateTime);

// xf_unload.c
int XfRundownAcquire(_Inout_ XF_CORE *Core);
void XfRundownRelease(_Inout_ XF_CORE *Core);

#endif // XF_CORE_INTERNAL_H
