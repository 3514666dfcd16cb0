/*++

Module Name:

    xf_core.c

Abstract:

    The decisions of xidfilter, free of kernel glue: configuration validation
    and defaults, the pre-operation path (telemetry, nesting, guard, self-test,
    Xid by mode), the process cache for the cached mode, and the IOCTL handling
    of the wire contract in xidfilter_ioctl.h.

    Everything on the pre-operation path is non-paged: it runs for paging I/O.
    Only what runs at PASSIVE_LEVEL from the control device's dispatch and the
    unload callback (config validation, IOCTL handling, open counting, the
    unload decision) is pageable in the kernel build: XF_PAGED for gcc,
    alloc_text for MSVC.

Environment:

    Kernel mode or the user-mode kernel model.

--*/

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

static XF_NTSTATUS XfIoctlGetInfo(XF_CORE *Core, const XF_IOCTL_CALL *Call, XF_U32 *Information);
static XF_NTSTATUS XfIoctlGetConfig(XF_CORE *Core, const XF_IOCTL_CALL *Call, XF_U32 *Information);
static XF_NTSTATUS XfIoctlSetConfig(XF_CORE *Core, const XF_IOCTL_CALL *Call, XF_U32 *Information);
static XF_NTSTATUS XfIoctlQueryXid(XF_CORE *Core, const XF_IOCTL_CALL *Call, XF_U32 *Information);
static XF_NTSTATUS XfReregister(XF_CORE *Core, const XF_U32 OperationFlags[XF_OP_COUNT]);
static void XfRundownWait(XF_CORE *Core);

#if defined(XF_KERNEL) && defined(ALLOC_PRAGMA)
#pragma alloc_text(PAGE, XfCoreValidateConfig)
#pragma alloc_text(PAGE, XfCoreProcessCreated)
#pragma alloc_text(PAGE, XfCoreProcessExited)
#pragma alloc_text(PAGE, XfCoreDeviceControl)
#pragma alloc_text(PAGE, XfCoreControlCreate)
#pragma alloc_text(PAGE, XfCoreControlClose)
#pragma alloc_text(PAGE, XfCoreFilterUnload)
#pragma alloc_text(PAGE, XfIoctlGetInfo)
#pragma alloc_text(PAGE, XfIoctlGetConfig)
#pragma alloc_text(PAGE, XfIoctlSetConfig)
#pragma alloc_text(PAGE, XfIoctlQueryXid)
#pragma alloc_text(PAGE, XfReregister)
#pragma alloc_text(PAGE, XfRundownWait)
#endif

/*************************************************************************
    Small helpers
*************************************************************************/

static void
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

static void
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

static XF_U64
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

static void
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

static void
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

static XF_U64
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

/*************************************************************************
    Configuration
*************************************************************************/

void
XfCoreDefaultConfig(
    _Out_ XF_CONFIG *Config
    )
/*++

Routine Description:

    The field configuration: lookup on every callback, no skip flags, no
    guard, no self-test.

Arguments:

    Config - Receives the configuration.

Return Value:

    None.

--*/
{
    XfZeroBytes(Config, sizeof(*Config));
    Config->Size = sizeof(XF_CONFIG);
    Config->Version = XF_STRUCT_VERSION;
    Config->XidMode = XF_XID_MODE_LOOKUP;
}

XF_PAGED
XF_NTSTATUS
XfCoreValidateConfig(
    _In_ const XF_CONFIG *Config
    )
/*++

Routine Description:

    Checks every field of a configuration. Changes nothing.

Arguments:

    Config - The configuration to check.

Return Value:

    XF_STATUS_SUCCESS or XF_STATUS_INVALID_PARAMETER.

--*/
{
    XF_U32 op;

    XF_PAGED_CODE();

    if (Config->Size != sizeof(XF_CONFIG) || Config->Version != XF_STRUCT_VERSION) {
        return XF_STATUS_INVALID_PARAMETER;
    }
    if (Config->XidMode >= XF_XID_MODE_COUNT) {
        return XF_STATUS_INVALID_PARAMETER;
    }
    if ((Config->GuardFlags & ~XF_GUARD_VALID_MASK) != 0) {
        return XF_STATUS_INVALID_PARAMETER;
    }
    if (Config->GuardStackThreshold != 0 || (Config->GuardFlags & XF_GUARD_LOW_STACK) != 0) {
        if (Config->GuardStackThreshold < XF_GUARD_STACK_MIN ||
            Config->GuardStackThreshold > XF_GUARD_STACK_MAX) {
            return XF_STATUS_INVALID_PARAMETER;
        }
    }
    if (Config->SelfTest != XF_SELFTEST_OFF && Config->SelfTest != XF_SELFTEST_ON) {
        return XF_STATUS_INVALID_PARAMETER;
    }
    for (op = 0; op < XF_OP_COUNT; op++) {
        if ((Config->OperationFlags[op] & ~XF_REG_VALID_MASK) != 0) {
            return XF_STATUS_INVALID_PARAMETER;
        }
    }
    if (Config->Reserved != 0) {
        return XF_STATUS_INVALID_PARAMETER;
    }
    return XF_STATUS_SUCCESS;
}

static void
XfResetCounters(
    _Inout_ XF_CORE *Core
    )
/*++

Routine Description:

    Zeroes the telemetry. Re-registrations survive a reset (they describe the
    load, not the workload), and so does the CacheEntries gauge.

Arguments:

    Core - The core.

Return Value:

    None.

--*/
{
    XF_COUNTERS *c = &Core->Counters;
    XF_U32 target;

    XfStore64(&c->Callbacks, 0);
    XfStore64(&c->PagingIoCallbacks, 0);
    XfStore64(&c->Lookups, 0);
    XfStore64(&c->LookupFailures, 0);
    XfStore64(&c->CacheHits, 0);
    XfStore64(&c->CacheMisses, 0);
    XfStore64(&c->GuardSkips, 0);
    XfStore64(&c->SelfTestTouches, 0);
    for (target = 0; target < 3; target++) {
        XfStore64(&c->NestedIo[target], 0);
    }
    for (target = 0; target < XF_KIND_COUNT; target++) {
        XfStore64(&c->Kinds[target], 0);
    }
    XfStore64(&c->SelfTestDepthLimited, 0);
    XfStore64(&c->CacheDrops, 0);
    XfStore64(&Core->NestingOverflows, 0);
    XfStore32(&c->MaxNestingDepth, 0);
    XfStore32(&c->MinRemainingStack, XF_STACK_NOT_SEEN);
}

void
XfCoreInitialize(
    _Out_ XF_CORE *Core,
    _In_opt_ const XF_CONFIG *Saved,
    _In_ XF_U32 BuildFlavor,
    _In_ XF_U32 LoadCount,
    _In_opt_ void *Platform
    )
/*++

Routine Description:

    Sets up the core at load. A saved configuration that does not validate
    (an older layout, a hand-edited key) is replaced by the default rather
    than half-used.

Arguments:

    Core - The core to set up; zeroed first.

    Saved - The configuration the service key held, or NULL.

    BuildFlavor - XF_BUILD_* of this binary.

    LoadCount - Loads recorded so far, this one included.

    Platform - The platform's own context (the model's machine), or NULL.

Return Value:

    None.

--*/
{
    XfZeroBytes(Core, sizeof(*Core));

    if (Saved != NULL && XfCoreValidateConfig(Saved) == XF_STATUS_SUCCESS) {
        XfCopyBytes(&Core->Config, Saved, sizeof(XF_CONFIG));
        Core->StateFlags |= XF_INFO_CONFIG_FROM_REGISTRY;
    } else {
        XfCoreDefaultConfig(&Core->Config);
    }

    Core->BuildFlavor = BuildFlavor;
    Core->LoadCount = LoadCount;
    Core->Platform = Platform;
    XfResetCounters(Core);
    XfStoreRelease64(&Core->LiveSettings, XfLivePackConfig(&Core->Config));
}

void
XfCoreNoteRegistration(
    _Inout_ XF_CORE *Core,
    _In_ XF_NTSTATUS Status,
    _In_reads_(XF_OP_COUNT) const XF_U32 OperationFlags[XF_OP_COUNT]
    )
/*++

Routine Description:

    Records what FltRegisterFilter was given and what it answered.

Arguments:

    Core - The core.

    Status - What FltRegisterFilter returned.

    OperationFlags - The flags it was given.

Return Value:

    None.

--*/
{
    XF_U32 op;

    Core->RegisterStatus = Status;
    if (XF_NT_SUCCESS(Status)) {
        for (op = 0; op < XF_OP_COUNT; op++) {
            Core->ActiveOperationFlags[op] = OperationFlags[op];
        }
        Core->StateFlags |= XF_INFO_FILTER_REGISTERED;
    } else {
        Core->StateFlags &= ~(XF_INFO_FILTER_REGISTERED | XF_INFO_FILTERING_STARTED);
    }
}

void
XfCoreSetStateFlags(
    _Inout_ XF_CORE *Core,
    _In_ XF_U32 SetFlags,
    _In_ XF_U32 ClearFlags
    )
/*++

Routine Description:

    Sets and clears XF_INFO_* state bits.

Arguments:

    Core - The core.

    SetFlags - Bits to set.

    ClearFlags - Bits to clear (cleared first).

Return Value:

    None.

--*/
{
    Core->StateFlags = (Core->StateFlags & ~ClearFlags) | SetFlags;
}

/*************************************************************************
    Nesting: per-thread depth of the pre-operation callback
*************************************************************************/

static XF_NESTING_SLOT *
XfNestingEnter(
    _Inout_ XF_CORE *Core,
    _In_ XF_U64 Thread,
    _Out_ XF_U32 *Depth
    )
/*++

Routine Description:

    Counts one more level of callback on this thread. A thread owns at most
    one of two candidate slots (two hashes), so finding its own slot is two
    loads; claiming a free one is one compare-exchange. Only the owner writes
    Depth, so it needs no interlock.

Arguments:

    Core - The core.

    Thread - XfPlatCurrentThread.

    Depth - Receives this callback's nesting depth (1: not nested), or 0 when
        it cannot be known.

Return Value:

    The slot to pass to XfNestingLeave, or NULL when both candidates belong to
    other threads. The depth is then unknown, not 1: the callback is counted
    in NestingOverflows, the nesting guard treats it as nested, and the
    self-test touches nothing.

--*/
{
    XF_U64 h = XfHash64(Thread);
    XF_NESTING_SLOT *candidates[2];
    XF_U32 i;

    candidates[0] = &Core->Nesting[h & (XF_NESTING_SLOTS - 1)];
    candidates[1] = &Core->Nesting[(h >> 32) & (XF_NESTING_SLOTS - 1)];

    for (i = 0; i < 2; i++) {
        if (XfLoad64(&candidates[i]->Thread) == Thread) {
            *Depth = candidates[i]->Depth + 1;
            XfStore32(&candidates[i]->Depth, *Depth);
            return candidates[i];
        }
    }

    for (i = 0; i < 2; i++) {
        if (XfAtomicCas64(&candidates[i]->Thread, 0, Thread)) {
            XfStore32(&candidates[i]->Depth, 1);
            *Depth = 1;
            return candidates[i];
        }
    }

    XfAtomicInc64(&Core->NestingOverflows);
    *Depth = 0;
    return NULL;
}

static void
XfNestingLeave(
    _In_opt_ XF_NESTING_SLOT *Slot
    )
/*++

Routine Description:

    Undoes XfNestingEnter; the outermost level frees the slot.

Arguments:

    Slot - What XfNestingEnter returned (NULL: nothing to undo).

Return Value:

    None.

--*/
{
    XF_U32 depth;

    if (Slot == NULL) {
        return;
    }
    XF_ASSERT(Slot->Depth > 0);
    depth = Slot->Depth - 1;
    XfStore32(&Slot->Depth, depth);
    if (depth == 0) {
        XfStoreRelease64(&Slot->Thread, 0);
    }
}

/*************************************************************************
    Process cache (cached mode)

    Open addressing with linear probing, every entry within XF_CACHE_MAX_PROBE
    slots of its home. Invariant: every slot between an entry's home and its
    own slot is non-empty, so a reader may stop at the first empty slot.
    Removal leaves a tombstone, which becomes empty again as soon as the slot
    after it is empty (no entry's probe sequence can pass through it then),
    so tombstones do not pile up over a long run of process churn.
*************************************************************************/

static XF_U32
XfCacheHome(
    _In_ XF_U64 ProcessId
    )
/*++

Routine Description:

    The slot a pid's probe sequence starts at.

Arguments:

    ProcessId - The pid.

Return Value:

    A slot index.

--*/
{
    return (XF_U32)(XfHash64(ProcessId) & (XF_CACHE_SLOTS - 1));
}

static XF_CACHE_SLOT *
XfCacheSlot(
    _In_ XF_CORE *Core,
    _In_ XF_U32 Home,
    _In_ XF_U32 Probe
    )
/*++

Routine Description:

    The slot Probe places after Home, wrapping around the table.

Arguments:

    Core - The core.

    Home - The home slot.

    Probe - The distance from it.

Return Value:

    The slot.

--*/
{
    return &Core->Cache[(Home + Probe) & (XF_CACHE_SLOTS - 1)];
}

static int
XfCacheFind(
    _In_ XF_CORE *Core,
    _In_ XF_U64 ProcessId,
    _Out_ XF_U64 *Xid,
    _Out_ XF_U64 *CreateTime
    )
/*++

Routine Description:

    Lock-free lookup for the callback path: at most XF_CACHE_MAX_PROBE slots.
    Each slot is read under its sequence number (a seqlock): a torn read is
    retried a bounded number of times, then counted as a miss.

Arguments:

    Core - The core.

    ProcessId - The pid to find.

    Xid - Receives its Xid when found.

    CreateTime - Receives its create time when found.

Return Value:

    Non-zero when the pid was found.

--*/
{
    XF_U32 home = XfCacheHome(ProcessId);
    XF_U32 probe;

    *Xid = 0;
    *CreateTime = 0;
    if (ProcessId == XF_CACHE_EMPTY || ProcessId == XF_CACHE_TOMBSTONE) {
        return 0;
    }

    for (probe = 0; probe < XF_CACHE_MAX_PROBE; probe++) {
        XF_CACHE_SLOT *slot = XfCacheSlot(Core, home, probe);
        XF_U64 before, after, pid = 0, xid = 0, createTime = 0;
        int tries;

        for (tries = 0; tries < XF_CACHE_READ_RETRIES; tries++) {
            before = XfLoadAcquire64(&slot->Sequence);
            if ((before & 1) != 0) {
                continue;
            }
            pid = XfLoad64(&slot->ProcessId);
            xid = XfLoad64(&slot->Xid);
            createTime = XfLoad64(&slot->CreateTime);
            XfFenceAcquire();
            after = XfLoad64(&slot->Sequence);
            if (before == after) {
                break;
            }
        }
        if (tries == XF_CACHE_READ_RETRIES) {
            return 0;
        }
        if (pid == XF_CACHE_EMPTY) {
            return 0;
        }
        if (pid == ProcessId) {
            *Xid = xid;
            *CreateTime = createTime;
            return 1;
        }
    }
    return 0;
}

static void
XfCacheWriteSlot(
    _Inout_ XF_CACHE_SLOT *Slot,
    _In_ XF_U64 ProcessId,
    _In_ XF_U64 Xid,
    _In_ XF_U64 CreateTime
    )
/*++

Routine Description:

    Writer side of the slot seqlock. Writers are serialised by XfPlatLock.

Arguments:

    Slot - The slot.

    ProcessId - A pid, XF_CACHE_EMPTY or XF_CACHE_TOMBSTONE.

    Xid - Its Xid.

    CreateTime - Its create time.

Return Value:

    None.

--*/
{
    XF_U64 sequence = XfLoad64(&Slot->Sequence);

    XfStore64(&Slot->Sequence, sequence + 1);
    XfFenceRelease();
    XfStore64(&Slot->ProcessId, ProcessId);
    XfStore64(&Slot->Xid, Xid);
    XfStore64(&Slot->CreateTime, CreateTime);
    XfStoreRelease64(&Slot->Sequence, sequence + 2);
}

XF_PAGED
void
XfCoreProcessCreated(
    _Inout_ XF_CORE *Core,
    _In_ XF_U64 ProcessId,
    _In_ void *Process,
    _In_ XF_U64 CreateTime
    )
/*++

Routine Description:

    Process-notify work: caches the Xid of a new process in the first free
    slot (empty or tombstone) of its probe window. A pid already in the
    window (a missed exit) is overwritten in place. A full window drops the
    entry (counted in CacheDrops): the callback then counts a miss and falls
    back to the requestor.

Arguments:

    Core - The core.

    ProcessId - The new process's pid.

    Process - Its EPROCESS.

    CreateTime - Its create time.

Return Value:

    None.

--*/
{
    XF_U32 home = XfCacheHome(ProcessId);
    XF_CACHE_SLOT *free = NULL;
    XF_U32 probe;
    XF_U64 xid = XfCoreComputeXid((XF_U64)(size_t)Process, ProcessId, CreateTime);

    XF_PAGED_CODE();

    if (ProcessId == XF_CACHE_EMPTY || ProcessId == XF_CACHE_TOMBSTONE) {
        return;
    }

    XfPlatLock(Core);
    for (probe = 0; probe < XF_CACHE_MAX_PROBE; probe++) {
        XF_CACHE_SLOT *slot = XfCacheSlot(Core, home, probe);
        XF_U64 pid = XfLoad64(&slot->ProcessId);

        if (pid == ProcessId) {
            XfCacheWriteSlot(slot, ProcessId, xid, CreateTime);
            XfPlatUnlock(Core);
            return;
        }
        if (pid == XF_CACHE_TOMBSTONE && free == NULL) {
            free = slot;
        }
        if (pid == XF_CACHE_EMPTY) {
            if (free == NULL) {
                free = slot;
            }
            break;
        }
    }
    if (free != NULL) {
        XfCacheWriteSlot(free, ProcessId, xid, CreateTime);
        XfAtomicInc64(&Core->CacheEntries);
    } else {
        XfAtomicInc64(&Core->Counters.CacheDrops);
    }
    XfPlatUnlock(Core);
}

XF_PAGED
void
XfCoreProcessExited(
    _Inout_ XF_CORE *Core,
    _In_ XF_U64 ProcessId
    )
/*++

Routine Description:

    Process-notify work: forgets an exited process, so a reused pid never
    gets the old process's Xid. The slot becomes a tombstone, or empty when
    the slot after it is empty, and then the tombstones right before it
    become empty too (see the invariant above).

Arguments:

    Core - The core.

    ProcessId - The pid of the process that exited.

Return Value:

    None.

--*/
{
    XF_U32 home = XfCacheHome(ProcessId);
    XF_U32 probe, index, walked;

    XF_PAGED_CODE();

    if (ProcessId == XF_CACHE_EMPTY || ProcessId == XF_CACHE_TOMBSTONE) {
        return;
    }

    XfPlatLock(Core);
    for (probe = 0; probe < XF_CACHE_MAX_PROBE; probe++) {
        XF_CACHE_SLOT *slot = XfCacheSlot(Core, home, probe);
        XF_U64 pid = XfLoad64(&slot->ProcessId);

        if (pid == XF_CACHE_EMPTY) {
            break;
        }
        if (pid != ProcessId) {
            continue;
        }

        XfAtomicAdd64(&Core->CacheEntries, (XF_U64)-1);
        index = (home + probe) & (XF_CACHE_SLOTS - 1);
        if (XfLoad64(&Core->Cache[(index + 1) & (XF_CACHE_SLOTS - 1)].ProcessId) != XF_CACHE_EMPTY) {
            XfCacheWriteSlot(slot, XF_CACHE_TOMBSTONE, 0, 0);
            break;
        }
        XfCacheWriteSlot(slot, XF_CACHE_EMPTY, 0, 0);
        for (walked = 1; walked < XF_CACHE_SLOTS; walked++) {
            index = (index - 1) & (XF_CACHE_SLOTS - 1);
            if (XfLoad64(&Core->Cache[index].ProcessId) != XF_CACHE_TOMBSTONE) {
                break;
            }
            XfCacheWriteSlot(&Core->Cache[index], XF_CACHE_EMPTY, 0, 0);
        }
        break;
    }
    XfPlatUnlock(Core);
}

/*************************************************************************
    Xid
*************************************************************************/

XF_U64
XfCoreComputeXid(
    _In_ XF_U64 ProcessAddress,
    _In_ XF_U64 ProcessId,
    _In_ XF_U64 CreateTime
    )
/*++

Routine Description:

    The field code's formula: EPROCESS + ProcessId * 2 + create time. With
    the pid and the create time known, the Xid gives the EPROCESS address
    away: the control device admits only SYSTEM and Administrators.

Arguments:

    ProcessAddress - The EPROCESS.

    ProcessId - Its pid.

    CreateTime - Its create time.

Return Value:

    The Xid.

--*/
{
    return ProcessAddress + ProcessId * 2 + CreateTime;
}

static XF_NTSTATUS
XfXidByLookup(
    _In_ XF_CORE *Core,
    _In_ XF_U64 ProcessId,
    _Out_ XF_U64 *Xid,
    _Out_ XF_U64 *CreateTime
    )
/*++

Routine Description:

    The field pattern: walk the CID table for the process, read its create
    time, drop the reference. Under memory pressure the walk can fault and
    issue paging I/O that re-enters the filter.

Arguments:

    Core - The core.

    ProcessId - The pid to look up.

    Xid - Receives the Xid (0 on failure).

    CreateTime - Receives the create time (0 on failure).

Return Value:

    What PsLookupProcessByProcessId returned.

--*/
{
    void *process = NULL;
    XF_NTSTATUS status = XfPlatLookupProcess(Core, ProcessId, &process);

    *Xid = 0;
    *CreateTime = 0;
    if (!XF_NT_SUCCESS(status)) {
        return status;
    }
    *CreateTime = XfPlatProcessCreateTime(Core, process);
    *Xid = XfCoreComputeXid((XF_U64)(size_t)process, ProcessId, *CreateTime);
    XfPlatDereferenceProcess(Core, process);
    return XF_STATUS_SUCCESS;
}

static XF_U64
XfXidOfProcess(
    _In_ XF_CORE *Core,
    _In_ void *Process,
    _Out_ XF_U64 *CreateTime
    )
/*++

Routine Description:

    Xid of a process the caller already holds: no CID walk.

Arguments:

    Core - The core.

    Process - The EPROCESS, kept valid by the caller.

    CreateTime - Receives its create time.

Return Value:

    The Xid.

--*/
{
    XF_U64 pid = XfPlatProcessId(Core, Process);

    *CreateTime = XfPlatProcessCreateTime(Core, Process);
    return XfCoreComputeXid((XF_U64)(size_t)Process, pid, *CreateTime);
}

static XF_U64
XfXidForOperation(
    _Inout_ XF_CORE *Core,
    _In_ XF_U32 Mode,
    _In_ const XF_OPERATION *Operation
    )
/*++

Routine Description:

    Computes the Xid of the operation's requestor with the given mode.

Arguments:

    Core - The core.

    Mode - XF_XID_MODE_*.

    Operation - The operation.

Return Value:

    The Xid, 0 when none was computed.

--*/
{
    XF_U64 xid = 0, createTime = 0;
    void *process;

    switch (Mode) {

    case XF_XID_MODE_LOOKUP:
        XfAtomicInc64(&Core->Counters.Lookups);
        if (!XF_NT_SUCCESS(XfXidByLookup(Core, XfPlatRequestorProcessId(Core, Operation), &xid, &createTime))) {
            XfAtomicInc64(&Core->Counters.LookupFailures);
        }
        return xid;

    case XF_XID_MODE_CACHED:
        if (XfCacheFind(Core, XfPlatRequestorProcessId(Core, Operation), &xid, &createTime)) {
            XfAtomicInc64(&Core->Counters.CacheHits);
            return xid;
        }
        XfAtomicInc64(&Core->Counters.CacheMisses);

        //
        //  A miss (a process older than the driver, a full window) falls back
        //  to the requestor: never a CID walk from here.
        //
        // fall through

    case XF_XID_MODE_REQUESTOR:
        process = XfPlatRequestorProcess(Core, Operation);
        return process != NULL ? XfXidOfProcess(Core, process, &createTime) : 0;

    default:
        return 0;
    }
}

/*************************************************************************
    Pre-operation
*************************************************************************/

static void
XfSelfTest(
    _Inout_ XF_CORE *Core,
    _In_ const XF_OPERATION *Operation,
    _In_ XF_U32 Depth
    )
/*++

Routine Description:

    The self-test trigger. What is known and what is assumed:

    Known (the code guarantees it): the touch happens only in the callback of
    a paging read, never of a write, so it never runs inside the modified or
    mapped page writer, where a fault could wait for pages only that writer
    frees. Depth d touches page d - 1 and no other, so a thread touches its
    pages in strictly increasing order: a nested touch never faults on the
    page whose in-page read the same thread has in flight (a collided fault
    on itself, which would wait forever), and a wait on another thread's
    in-flight read of the same page cannot close a cycle. Above
    XF_SELFTEST_MAX_DEPTH, or when the depth is unknown, nothing is touched.

    Assumed (Windows does not document it): a trimmed page of a driver's
    pageable data section comes back with a paging read that passes through
    the file-system filter stack before the page is resident again, whether
    the memory manager reads it from the image file or from the paging file.
    XF_STATS.NestedImageIo and NestedPagingFileIo show which it was.

Arguments:

    Core - The core.

    Operation - The operation whose callback this is.

    Depth - The callback's nesting depth, 0 when unknown.

Return Value:

    None.

--*/
{
    if (Operation->Operation != XF_OP_READ || !Operation->IsPagingIo || Depth == 0) {
        return;
    }
    if (Depth > XF_SELFTEST_MAX_DEPTH) {
        XfAtomicInc64(&Core->Counters.SelfTestDepthLimited);
        return;
    }
    XfAtomicInc64(&Core->Counters.SelfTestTouches);
    XfPlatSelfTestTouch(Core, Depth - 1);
}

static XF_U32
XfOperationKind(
    _In_ const XF_OPERATION *Operation
    )
/*++

Routine Description:

    The kind of an operation that is not paging I/O, as XF_STATS counts it:
    a create, or a read or write, cached or not (IRP_NOCACHE).

Arguments:

    Operation - What the callback saw.

Return Value:

    XF_KIND_*.

--*/
{
    if (Operation->Operation == XF_OP_CREATE) {
        return XF_KIND_CREATE;
    }
    if (Operation->Operation == XF_OP_READ) {
        return Operation->IsNonCached ? XF_KIND_NON_CACHED_READ : XF_KIND_CACHED_READ;
    }
    return Operation->IsNonCached ? XF_KIND_NON_CACHED_WRITE : XF_KIND_CACHED_WRITE;
}

XF_U64
XfCorePreOperation(
    _Inout_ XF_CORE *Core,
    _In_ const XF_OPERATION *Operation
    )
/*++

Routine Description:

    Everything the pre-operation callback decides. The live settings are read
    once, so one callback never mixes two configurations.

Arguments:

    Core - The core.

    Operation - What the callback saw.

Return Value:

    The Xid, 0 when none was computed (mode off, guard skip, failure).

--*/
{
    XF_U64 live = XfLoadAcquire64(&Core->LiveSettings);
    XF_U32 guard = XF_LIVE_GUARD(live);
    XF_U32 remaining = XfPlatRemainingStack(Core);
    XF_NESTING_SLOT *slot;
    XF_U32 depth;
    XF_U64 xid = 0;

    XfAtomicInc64(&Core->Counters.Callbacks);
    if (Operation->IsPagingIo) {
        XfAtomicInc64(&Core->Counters.PagingIoCallbacks);
    } else {
        XfAtomicInc64(&Core->Counters.Kinds[XfOperationKind(Operation)]);
    }
    XfAtomicMin32(&Core->Counters.MinRemainingStack, remaining);

    slot = XfNestingEnter(Core, XfPlatCurrentThread(Core), &depth);
    if (depth != 0) {
        XfAtomicMax32(&Core->Counters.MaxNestingDepth, depth);
    }
    if (depth > 1 && Operation->IsPagingIo) {
        XF_U32 target = XfPlatPagingIoTarget(Core, Operation);
        XfAtomicInc64(&Core->Counters.NestedIo[target < 3 ? target : XF_IO_TARGET_OTHER]);
    }

    if (((guard & XF_GUARD_NESTING) != 0 && depth != 1) ||
        ((guard & XF_GUARD_LOW_STACK) != 0 && remaining < XF_LIVE_THRESHOLD(live))) {

        XfAtomicInc64(&Core->Counters.GuardSkips);

    } else {

        if (XF_LIVE_SELFTEST(live) == XF_SELFTEST_ON) {
            XfSelfTest(Core, Operation, depth);
        }
        xid = XfXidForOperation(Core, XF_LIVE_MODE(live), Operation);
    }

    XfNestingLeave(slot);
    return xid;
}

/*************************************************************************
    The control device: handles and unload
*************************************************************************/

static int
XfRundownAcquire(
    _Inout_ XF_CORE *Core
    )
/*++

Routine Description:

    A request enters, unless the run-down has begun.

Arguments:

    Core - The core.

Return Value:

    Non-zero when the request may proceed (it must call XfRundownRelease);
    0 once the run-down has begun.

--*/
{
    XF_U64 seen = XfLoad64(&Core->Rundown);

    while ((seen & 1) == 0) {
        if (XfAtomicCas64(&Core->Rundown, seen, seen + 2)) {
            return 1;
        }
        seen = XfLoad64(&Core->Rundown);
    }
    return 0;
}

static void
XfRundownRelease(
    _Inout_ XF_CORE *Core
    )
/*++

Routine Description:

    A request leaves; the last one out after the run-down began wakes the
    waiter.

Arguments:

    Core - The core.

Return Value:

    None.

--*/
{
    XF_U64 before = XfAtomicAdd64(&Core->Rundown, (XF_U64)-2);

    XF_ASSERT(before >= 2);
    if (before == 3) {
        XfPlatDrainSignal(Core);
    }
}

XF_PAGED
static void
XfRundownWait(
    _Inout_ XF_CORE *Core
    )
/*++

Routine Description:

    Begins the run-down (no request enters from now on) and waits until the
    requests inside have left. Calling it again returns at once.

Arguments:

    Core - The core.

Return Value:

    None.

--*/
{
    XF_U64 seen = XfLoad64(&Core->Rundown);

    XF_PAGED_CODE();

    while ((seen & 1) == 0 && !XfAtomicCas64(&Core->Rundown, seen, seen | 1)) {
        seen = XfLoad64(&Core->Rundown);
    }
    if ((seen & 1) == 0 && seen != 0) {
        XfPlatDrainWait(Core);
    }
}

XF_PAGED
XF_NTSTATUS
XfCoreControlCreate(
    _Inout_ XF_CORE *Core
    )
/*++

Routine Description:

    IRP_MJ_CREATE on the control device: counts the handle, unless the filter
    is unloading.

Arguments:

    Core - The core.

Return Value:

    XF_STATUS_SUCCESS, or XF_STATUS_DELETE_PENDING once unloading.

--*/
{
    XF_NTSTATUS status = XF_STATUS_SUCCESS;

    XF_PAGED_CODE();

    if (!XfRundownAcquire(Core)) {
        return XF_STATUS_DELETE_PENDING;
    }
    XfPlatLock(Core);
    if (XfLoad32(&Core->Unloading)) {
        status = XF_STATUS_DELETE_PENDING;
    } else {
        Core->OpenCount++;
    }
    XfPlatUnlock(Core);
    XfRundownRelease(Core);
    return status;
}

XF_PAGED
void
XfCoreControlClose(
    _Inout_ XF_CORE *Core
    )
/*++

Routine Description:

    IRP_MJ_CLOSE on the control device (the last reference to a file object
    opened by a successful create). After the unload has run down, the close
    of a handle that outlived it has nothing left to count, and touches
    nothing (the lock is gone).

Arguments:

    Core - The core.

Return Value:

    None.

--*/
{
    XF_PAGED_CODE();

    if (!XfRundownAcquire(Core)) {
        return;
    }
    XfPlatLock(Core);
    XF_ASSERT(Core->OpenCount > 0);
    if (Core->OpenCount > 0) {
        Core->OpenCount--;
    }
    XfPlatUnlock(Core);
    XfRundownRelease(Core);
}

XF_PAGED
XF_NTSTATUS
XfCoreFilterUnload(
    _Inout_ XF_CORE *Core,
    _In_ int Mandatory
    )
/*++

Routine Description:

    The unload decision, as Microsoft's cdo sample makes it, and the drain it
    leaves out. Under the lock: a non-mandatory unload with a handle open is
    refused; otherwise Unloading is set, so no request starts any more. Then
    the run-down waits for the requests already inside (one may be a live
    re-registration), so the caller tears down nothing a request still uses.

Arguments:

    Core - The core.

    Mandatory - Non-zero for FLTFL_FILTER_UNLOAD_MANDATORY (sc stop) or a
        legacy DriverUnload; zero for fltmc unload / FilterUnload.

Return Value:

    XF_STATUS_SUCCESS: tear down. XF_STATUS_FLT_DO_NOT_DETACH: stay loaded.

--*/
{
    XF_PAGED_CODE();

    XfPlatLock(Core);
    if (!Mandatory && Core->OpenCount != 0) {
        XfPlatUnlock(Core);
        return XF_STATUS_FLT_DO_NOT_DETACH;
    }
    XfStore32(&Core->Unloading, 1);
    XfPlatUnlock(Core);

    XfRundownWait(Core);
    return XF_STATUS_SUCCESS;
}

/*************************************************************************
    IOCTL handling
*************************************************************************/

static XF_NTSTATUS
XfCheckBuffers(
    _In_ const XF_IOCTL_CALL *Call,
    _In_ XF_U32 InputSize,
    _In_ XF_U32 OutputSize
    )
/*++

Routine Description:

    Input must be exactly the request's size (short: too small, long:
    invalid); output must hold the response.

Arguments:

    Call - The request.

    InputSize - The input the code takes.

    OutputSize - The output it writes.

Return Value:

    XF_STATUS_SUCCESS, XF_STATUS_BUFFER_TOO_SMALL or
    XF_STATUS_INVALID_PARAMETER.

--*/
{
    if (Call->InputLength < InputSize) {
        return XF_STATUS_BUFFER_TOO_SMALL;
    }
    if (Call->InputLength > InputSize) {
        return XF_STATUS_INVALID_PARAMETER;
    }
    if (InputSize != 0 && Call->InputBuffer == NULL) {
        return XF_STATUS_INVALID_PARAMETER;
    }
    if (Call->OutputLength < OutputSize) {
        return XF_STATUS_BUFFER_TOO_SMALL;
    }
    if (OutputSize != 0 && Call->OutputBuffer == NULL) {
        return XF_STATUS_INVALID_PARAMETER;
    }
    return XF_STATUS_SUCCESS;
}

static int
XfFlagsDiffer(
    _In_reads_(XF_OP_COUNT) const XF_U32 A[XF_OP_COUNT],
    _In_reads_(XF_OP_COUNT) const XF_U32 B[XF_OP_COUNT]
    )
/*++

Routine Description:

    Compares two sets of per-operation registration flags.

Arguments:

    A, B - The sets.

Return Value:

    Non-zero when they differ.

--*/
{
    XF_U32 op;

    for (op = 0; op < XF_OP_COUNT; op++) {
        if (A[op] != B[op]) {
            return 1;
        }
    }
    return 0;
}

XF_PAGED
static XF_NTSTATUS
XfIoctlGetInfo(
    _In_ XF_CORE *Core,
    _In_ const XF_IOCTL_CALL *Call,
    _Out_ XF_U32 *Information
    )
/*++

Routine Description:

    IOCTL_XF_GET_INFO.

Arguments:

    Core - The core.

    Call - The request (buffers checked).

    Information - Receives the bytes written.

Return Value:

    XF_STATUS_SUCCESS.

--*/
{
    XF_INFO info;
    XF_U32 op;

    XF_PAGED_CODE();

    XfZeroBytes(&info, sizeof(info));
    info.Size = sizeof(info);
    info.Version = XF_STRUCT_VERSION;
    info.ProtocolVersion = XF_PROTOCOL_VERSION;
    info.DriverVersion = XF_DRIVER_VERSION;
    info.BuildFlavor = Core->BuildFlavor;

    XfPlatLock(Core);
    info.StateFlags = Core->StateFlags & ~XF_INFO_RELOAD_PENDING;
    if (XfFlagsDiffer(Core->Config.OperationFlags, Core->ActiveOperationFlags)) {
        info.StateFlags |= XF_INFO_RELOAD_PENDING;
    }
    for (op = 0; op < XF_OP_COUNT; op++) {
        info.ActiveOperationFlags[op] = Core->ActiveOperationFlags[op];
        info.SavedOperationFlags[op] = Core->Config.OperationFlags[op];
    }
    info.LoadCount = Core->LoadCount;
    info.RegisterStatus = (XF_U32)Core->RegisterStatus;
    XfPlatUnlock(Core);

    XfCopyBytes(Call->OutputBuffer, &info, sizeof(info));
    *Information = sizeof(info);
    return XF_STATUS_SUCCESS;
}

XF_PAGED
static XF_NTSTATUS
XfIoctlGetConfig(
    _In_ XF_CORE *Core,
    _In_ const XF_IOCTL_CALL *Call,
    _Out_ XF_U32 *Information
    )
/*++

Routine Description:

    IOCTL_XF_GET_CONFIG.

Arguments:

    Core - The core.

    Call - The request (buffers checked).

    Information - Receives the bytes written.

Return Value:

    XF_STATUS_SUCCESS.

--*/
{
    XF_CONFIG config;

    XF_PAGED_CODE();

    XfPlatLock(Core);
    XfCopyBytes(&config, &Core->Config, sizeof(config));
    XfPlatUnlock(Core);

    XfCopyBytes(Call->OutputBuffer, &config, sizeof(config));
    *Information = sizeof(config);
    return XF_STATUS_SUCCESS;
}

XF_PAGED
static XF_NTSTATUS
XfReregister(
    _Inout_ XF_CORE *Core,
    _In_reads_(XF_OP_COUNT) const XF_U32 OperationFlags[XF_OP_COUNT]
    )
/*++

Routine Description:

    One live re-registration through the platform, recorded as a load's
    registration is. Called under XfPlatLock.

Arguments:

    Core - The core.

    OperationFlags - The flags to register with.

Return Value:

    What the platform answered: success means registered and filtering.

--*/
{
    XF_NTSTATUS status;

    XF_PAGED_CODE();

    status = XfPlatReregister(Core, OperationFlags);
    XfCoreNoteRegistration(Core, status, OperationFlags);
    if (XF_NT_SUCCESS(status)) {
        XfCoreSetStateFlags(Core, XF_INFO_FILTERING_STARTED, 0);
    }
    return status;
}

XF_PAGED
static XF_NTSTATUS
XfIoctlSetConfig(
    _Inout_ XF_CORE *Core,
    _In_ const XF_IOCTL_CALL *Call,
    _Out_ XF_U32 *Information
    )
/*++

Routine Description:

    IOCTL_XF_SET_CONFIG. Validates the whole request, saves it, then applies
    Xid mode, guard and self-test in one store. Registration flags wait for
    the next load unless the caller asked for the experimental live
    re-registration; when that fails, the previous flags are registered again
    so the filter is not left loaded with no registration (which fltmc unload
    could not find), and both statuses are reported. A failed save changes
    nothing.

Arguments:

    Core - The core.

    Call - The request (buffers checked).

    Information - Receives the bytes written.

Return Value:

    XF_STATUS_SUCCESS, XF_STATUS_INVALID_PARAMETER, XF_STATUS_DELETE_PENDING
    (the filter is unloading), or the status of a failed save.

--*/
{
    XF_SET_CONFIG_REQUEST request;
    XF_SET_CONFIG_RESPONSE response;
    XF_U32 previous[XF_OP_COUNT];
    XF_NTSTATUS status;
    XF_U32 op;

    XF_PAGED_CODE();

    XfCopyBytes(&request, Call->InputBuffer, sizeof(request));

    if (request.Size != sizeof(request) || request.Version != XF_STRUCT_VERSION ||
        request.Apply > XF_APPLY_LIVE_REREGISTER || request.Reserved != 0) {
        return XF_STATUS_INVALID_PARAMETER;
    }
    status = XfCoreValidateConfig(&request.Config);
    if (!XF_NT_SUCCESS(status)) {
        return status;
    }

    XfZeroBytes(&response, sizeof(response));
    response.Size = sizeof(response);
    response.Version = XF_STRUCT_VERSION;

    XfPlatLock(Core);

    if (XfLoad32(&Core->Unloading)) {
        XfPlatUnlock(Core);
        return XF_STATUS_DELETE_PENDING;
    }

    status = XfPlatSaveConfig(Core, &request.Config);
    if (!XF_NT_SUCCESS(status)) {
        XfPlatUnlock(Core);
        return status;
    }
    response.SaveStatus = status;
    response.ResultFlags |= XF_SETCFG_SAVED;

    XfCopyBytes(&Core->Config, &request.Config, sizeof(XF_CONFIG));
    XfStoreRelease64(&Core->LiveSettings, XfLivePackConfig(&Core->Config));

    if (request.Apply == XF_APPLY_LIVE_REREGISTER) {
        for (op = 0; op < XF_OP_COUNT; op++) {
            previous[op] = Core->ActiveOperationFlags[op];
        }
        response.ReregisterStatus = XfReregister(Core, request.Config.OperationFlags);
        if (XF_NT_SUCCESS(response.ReregisterStatus)) {
            XfAtomicInc64(&Core->Counters.Reregistrations);
            response.ResultFlags |= XF_SETCFG_REREGISTERED;
        } else {
            response.RestoreStatus = XfReregister(Core, previous);
            if (XF_NT_SUCCESS(response.RestoreStatus)) {
                response.ResultFlags |= XF_SETCFG_RESTORED;
            }
        }
    }
    if (XfFlagsDiffer(Core->Config.OperationFlags, Core->ActiveOperationFlags)) {
        response.ResultFlags |= XF_SETCFG_RELOAD_REQUIRED;
    }

    XfPlatUnlock(Core);

    XfCopyBytes(Call->OutputBuffer, &response, sizeof(response));
    *Information = sizeof(response);
    return XF_STATUS_SUCCESS;
}

void
XfCoreReadStats(
    _In_ const XF_CORE *Core,
    _Out_ XF_STATS *Stats
    )
/*++

Routine Description:

    Reads the telemetry without a lock (each counter is one atomic load).

Arguments:

    Core - The core.

    Stats - Receives the counters.

Return Value:

    None.

--*/
{
    const XF_COUNTERS *c = &Core->Counters;

    XfZeroBytes(Stats, sizeof(*Stats));
    Stats->Size = sizeof(*Stats);
    Stats->Version = XF_STRUCT_VERSION;
    Stats->Callbacks = XfLoad64(&c->Callbacks);
    Stats->PagingIoCallbacks = XfLoad64(&c->PagingIoCallbacks);
    Stats->Lookups = XfLoad64(&c->Lookups);
    Stats->LookupFailures = XfLoad64(&c->LookupFailures);
    Stats->CacheHits = XfLoad64(&c->CacheHits);
    Stats->CacheMisses = XfLoad64(&c->CacheMisses);
    Stats->GuardSkips = XfLoad64(&c->GuardSkips);
    Stats->SelfTestTouches = XfLoad64(&c->SelfTestTouches);
    Stats->Reregistrations = XfLoad64(&c->Reregistrations);
    Stats->MaxNestingDepth = XfLoad32(&c->MaxNestingDepth);
    Stats->MinRemainingStack = XfLoad32(&c->MinRemainingStack);
    Stats->Loads = Core->LoadCount;
    Stats->NestedPagingFileIo = XfLoad64(&c->NestedIo[XF_IO_TARGET_PAGING_FILE]);
    Stats->NestedImageIo = XfLoad64(&c->NestedIo[XF_IO_TARGET_IMAGE]);
    Stats->NestedOtherIo = XfLoad64(&c->NestedIo[XF_IO_TARGET_OTHER]);
    Stats->NestingOverflows = XfLoad64(&Core->NestingOverflows);
    Stats->SelfTestDepthLimited = XfLoad64(&c->SelfTestDepthLimited);
    Stats->CacheEntries = XfLoad64(&Core->CacheEntries);
    Stats->CacheDrops = XfLoad64(&c->CacheDrops);
    Stats->CreateCallbacks = XfLoad64(&c->Kinds[XF_KIND_CREATE]);
    Stats->CachedReadCallbacks = XfLoad64(&c->Kinds[XF_KIND_CACHED_READ]);
    Stats->NonCachedReadCallbacks = XfLoad64(&c->Kinds[XF_KIND_NON_CACHED_READ]);
    Stats->CachedWriteCallbacks = XfLoad64(&c->Kinds[XF_KIND_CACHED_WRITE]);
    Stats->NonCachedWriteCallbacks = XfLoad64(&c->Kinds[XF_KIND_NON_CACHED_WRITE]);
}

XF_PAGED
static XF_NTSTATUS
XfIoctlQueryXid(
    _In_ XF_CORE *Core,
    _In_ const XF_IOCTL_CALL *Call,
    _Out_ XF_U32 *Information
    )
/*++

Routine Description:

    IOCTL_XF_QUERY_XID: the Xid of a process with a chosen mode. ProcessId 0
    means the caller. The requestor mode has no callback data here: the
    IOCTL's own requestor stands in, so it answers only for the calling
    process.

Arguments:

    Core - The core.

    Call - The request (buffers checked).

    Information - Receives the bytes written.

Return Value:

    XF_STATUS_SUCCESS (a failed computation is in the response's Status), or
    XF_STATUS_INVALID_PARAMETER.

--*/
{
    XF_QUERY_XID_REQUEST request;
    XF_QUERY_XID_RESPONSE response;
    XF_U64 xid = 0, createTime = 0;
    XF_NTSTATUS result;

    XF_PAGED_CODE();

    XfCopyBytes(&request, Call->InputBuffer, sizeof(request));

    if (request.Size != sizeof(request) || request.Version != XF_STRUCT_VERSION || request.Reserved != 0) {
        return XF_STATUS_INVALID_PARAMETER;
    }
    if (request.Mode == XF_XID_MODE_CURRENT) {
        request.Mode = XF_LIVE_MODE(XfLoadAcquire64(&Core->LiveSettings));
    } else if (request.Mode >= XF_XID_MODE_COUNT) {
        return XF_STATUS_INVALID_PARAMETER;
    }
    if (request.ProcessId == 0) {
        request.ProcessId = Call->CallerProcessId;
    }

    switch (request.Mode) {

    case XF_XID_MODE_LOOKUP:
        result = XfXidByLookup(Core, request.ProcessId, &xid, &createTime);
        break;

    case XF_XID_MODE_REQUESTOR:
        if (Call->CallerProcess == NULL || request.ProcessId != Call->CallerProcessId) {
            result = XF_STATUS_INVALID_CID;
        } else {
            xid = XfXidOfProcess(Core, Call->CallerProcess, &createTime);
            result = XF_STATUS_SUCCESS;
        }
        break;

    case XF_XID_MODE_CACHED:
        result = XfCacheFind(Core, request.ProcessId, &xid, &createTime) ? XF_STATUS_SUCCESS : XF_STATUS_NOT_FOUND;
        break;

    default:
        result = XF_STATUS_NOT_SUPPORTED;
        break;
    }

    XfZeroBytes(&response, sizeof(response));
    response.Size = sizeof(response);
    response.Version = XF_STRUCT_VERSION;
    response.ProcessId = request.ProcessId;
    response.Mode = request.Mode;
    response.Status = result;
    if (XF_NT_SUCCESS(result)) {
        response.Xid = xid;
        response.CreateTime = createTime;
    }

    XfCopyBytes(Call->OutputBuffer, &response, sizeof(response));
    *Information = sizeof(response);
    return XF_STATUS_SUCCESS;
}

static XF_NTSTATUS
XfDispatchIoctl(
    _Inout_ XF_CORE *Core,
    _In_ const XF_IOCTL_CALL *Call,
    _Out_ XF_U32 *Information
    )
/*++

Routine Description:

    Checks the buffers of one request and hands it to its handler.

Arguments:

    Core - The core.

    Call - The request.

    Information - Receives the bytes written.

Return Value:

    The handler's status, or the buffer check's.

--*/
{
    XF_STATS stats;
    XF_NTSTATUS status;

    switch (Call->IoControlCode) {

    case IOCTL_XF_GET_INFO:
        status = XfCheckBuffers(Call, 0, sizeof(XF_INFO));
        return XF_NT_SUCCESS(status) ? XfIoctlGetInfo(Core, Call, Information) : status;

    case IOCTL_XF_GET_CONFIG:
        status = XfCheckBuffers(Call, 0, sizeof(XF_CONFIG));
        return XF_NT_SUCCESS(status) ? XfIoctlGetConfig(Core, Call, Information) : status;

    case IOCTL_XF_SET_CONFIG:
        status = XfCheckBuffers(Call, sizeof(XF_SET_CONFIG_REQUEST), sizeof(XF_SET_CONFIG_RESPONSE));
        return XF_NT_SUCCESS(status) ? XfIoctlSetConfig(Core, Call, Information) : status;

    case IOCTL_XF_GET_STATS:
        status = XfCheckBuffers(Call, 0, sizeof(XF_STATS));
        if (XF_NT_SUCCESS(status)) {
            XfCoreReadStats(Core, &stats);
            XfCopyBytes(Call->OutputBuffer, &stats, sizeof(stats));
            *Information = sizeof(stats);
        }
        return status;

    case IOCTL_XF_RESET_STATS:
        status = XfCheckBuffers(Call, 0, 0);
        if (XF_NT_SUCCESS(status)) {
            XfResetCounters(Core);
        }
        return status;

    case IOCTL_XF_QUERY_XID:
        status = XfCheckBuffers(Call, sizeof(XF_QUERY_XID_REQUEST), sizeof(XF_QUERY_XID_RESPONSE));
        return XF_NT_SUCCESS(status) ? XfIoctlQueryXid(Core, Call, Information) : status;

    default:
        return XF_STATUS_INVALID_DEVICE_REQUEST;
    }
}

XF_PAGED
XF_NTSTATUS
XfCoreDeviceControl(
    _Inout_ XF_CORE *Core,
    _In_ const XF_IOCTL_CALL *Call,
    _Out_ XF_U32 *Information
    )
/*++

Routine Description:

    Serves one IOCTL_XF_* request under run-down protection, so an unload
    waits for it before tearing anything down. Every check happens before
    any state changes; a failed request leaves the driver as it was.

Arguments:

    Core - The core.

    Call - The request.

    Information - Receives the bytes written (0 on failure).

Return Value:

    XF_STATUS_SUCCESS, or the NTSTATUS the wire contract names for the
    failure (short buffer, bad size/version/value, unknown code), or
    XF_STATUS_DELETE_PENDING once the filter is unloading.

--*/
{
    XF_NTSTATUS status;

    XF_PAGED_CODE();

    *Information = 0;
    if (!XfRundownAcquire(Core)) {
        return XF_STATUS_DELETE_PENDING;
    }
    status = XfLoad32(&Core->Unloading) ? XF_STATUS_DELETE_PENDING : XfDispatchIoctl(Core, Call, Information);
    if (!XF_NT_SUCCESS(status)) {
        *Information = 0;
    }
    XfRundownRelease(Core);
    return status;
}
