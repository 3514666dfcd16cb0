/*++

Module Name:

    xf_core.c

Abstract:

    The decisions of xidfilter, free of kernel glue: configuration validation
    and defaults, the pre-operation path (telemetry, nesting, guard, self-test,
    Xid by mode), the process cache for the cached mode, and the IOCTL handling
    of the wire contract in xidfilter_ioctl.h.

    Everything on the pre-operation path is non-paged: it runs for paging I/O.
    Only the IOCTL handling and config validation, which run at PASSIVE_LEVEL
    from IRP_MJ_DEVICE_CONTROL, are pageable in the kernel build.

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

XF_NTSTATUS XfCoreValidateConfig(const XF_CONFIG *Config);
XF_NTSTATUS XfCoreDeviceControl(XF_CORE *Core, const XF_IOCTL_CALL *Call, XF_U32 *Information);

#if defined(XF_KERNEL) && defined(ALLOC_PRAGMA)
#pragma alloc_text(PAGE, XfCoreValidateConfig)
#pragma alloc_text(PAGE, XfCoreDeviceControl)
#endif

/*************************************************************************
    Small helpers
*************************************************************************/

static void
XfCopyBytes(
    _Out_writes_bytes_(Length) void *Destination,
    _In_reads_bytes_(Length) const void *Source,
    _In_ XF_U32 Length
    )
/*++

Routine Description:

    Byte copy that needs no C runtime. Source and destination do not overlap.

--*/
{
    unsigned char *d = (unsigned char *)Destination;
    const unsigned char *s = (const unsigned char *)Source;
    XF_U32 i;

    for (i = 0; i < Length; i++) {
        d[i] = s[i];
    }
}

static void
XfZeroBytes(
    _Out_writes_bytes_(Length) void *Destination,
    _In_ size_t Length
    )
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

--*/
{
    XfZeroBytes(Config, sizeof(*Config));
    Config->Size = sizeof(XF_CONFIG);
    Config->Version = XF_STRUCT_VERSION;
    Config->XidMode = XF_XID_MODE_LOOKUP;
}

XF_NTSTATUS
XfCoreValidateConfig(
    _In_ const XF_CONFIG *Config
    )
/*++

Routine Description:

    Checks every field of a configuration. Changes nothing.

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

    Zeroes the telemetry; re-registrations survive a reset (they describe
    the load, not the workload).

--*/
{
    XF_COUNTERS *c = &Core->Counters;

    XfStore64(&c->Callbacks, 0);
    XfStore64(&c->PagingIoCallbacks, 0);
    XfStore64(&c->Lookups, 0);
    XfStore64(&c->LookupFailures, 0);
    XfStore64(&c->CacheHits, 0);
    XfStore64(&c->CacheMisses, 0);
    XfStore64(&c->GuardSkips, 0);
    XfStore64(&c->SelfTestTouches, 0);
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

Return Value:

    The slot to pass to XfNestingLeave, or NULL when both candidates belong to
    other threads (counted; the depth is then reported as 1).

--*/
{
    XF_U64 h = XfHash64(Thread);
    XF_NESTING_SLOT *a = &Core->Nesting[h & (XF_NESTING_SLOTS - 1)];
    XF_NESTING_SLOT *b = &Core->Nesting[(h >> 32) & (XF_NESTING_SLOTS - 1)];
    XF_NESTING_SLOT *candidates[2];
    XF_U32 i;

    candidates[0] = a;
    candidates[1] = b;

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
    *Depth = 1;
    return NULL;
}

static void
XfNestingLeave(
    _In_opt_ XF_NESTING_SLOT *Slot
    )
{
    XF_U32 depth;

    if (Slot == NULL) {
        return;
    }
    depth = Slot->Depth - 1;
    XfStore32(&Slot->Depth, depth);
    if (depth == 0) {
        XfStoreRelease64(&Slot->Thread, 0);
    }
}

/*************************************************************************
    Process cache (cached mode)
*************************************************************************/

static XF_U32
XfCacheHome(
    _In_ XF_U64 ProcessId
    )
{
    return (XF_U32)(XfHash64(ProcessId) & (XF_CACHE_SLOTS - 1));
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

    Lock-free lookup for the callback path. Each slot is read under its
    sequence number (a seqlock): a torn read is retried a bounded number of
    times, then counted as a miss.

Return Value:

    Non-zero when the pid was found.

--*/
{
    XF_U32 home = XfCacheHome(ProcessId);
    XF_U32 probe;

    if (ProcessId == XF_CACHE_EMPTY || ProcessId == XF_CACHE_TOMBSTONE) {
        return 0;
    }

    for (probe = 0; probe < XF_CACHE_SLOTS; probe++) {
        XF_CACHE_SLOT *slot = &Core->Cache[(home + probe) & (XF_CACHE_SLOTS - 1)];
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

void
XfCoreProcessCreated(
    _Inout_ XF_CORE *Core,
    _In_ XF_U64 ProcessId,
    _In_ void *Process,
    _In_ XF_U64 CreateTime
    )
/*++

Routine Description:

    Process-notify work: caches the Xid of a new process. A pid already in
    the table (a missed exit) is overwritten in place. A full table drops the
    entry: the callback then counts a miss and falls back to the requestor.

--*/
{
    XF_U32 home = XfCacheHome(ProcessId);
    XF_CACHE_SLOT *free = NULL;
    XF_U32 probe;
    XF_U64 xid = XfCoreComputeXid((XF_U64)(size_t)Process, ProcessId, CreateTime);

    if (ProcessId == XF_CACHE_EMPTY || ProcessId == XF_CACHE_TOMBSTONE) {
        return;
    }

    XfPlatLock(Core);
    for (probe = 0; probe < XF_CACHE_SLOTS; probe++) {
        XF_CACHE_SLOT *slot = &Core->Cache[(home + probe) & (XF_CACHE_SLOTS - 1)];
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
    }
    XfPlatUnlock(Core);
}

void
XfCoreProcessExited(
    _Inout_ XF_CORE *Core,
    _In_ XF_U64 ProcessId
    )
/*++

Routine Description:

    Process-notify work: forgets an exited process, so a reused pid never
    gets the old process's Xid.

--*/
{
    XF_U32 home = XfCacheHome(ProcessId);
    XF_U32 probe;

    if (ProcessId == XF_CACHE_EMPTY || ProcessId == XF_CACHE_TOMBSTONE) {
        return;
    }

    XfPlatLock(Core);
    for (probe = 0; probe < XF_CACHE_SLOTS; probe++) {
        XF_CACHE_SLOT *slot = &Core->Cache[(home + probe) & (XF_CACHE_SLOTS - 1)];
        XF_U64 pid = XfLoad64(&slot->ProcessId);

        if (pid == XF_CACHE_EMPTY) {
            break;
        }
        if (pid == ProcessId) {
            XfCacheWriteSlot(slot, XF_CACHE_TOMBSTONE, 0, 0);
            XfAtomicAdd64(&Core->CacheEntries, (XF_U64)-1);
            break;
        }
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

    The field code's formula: EPROCESS + ProcessId * 2 + create time.

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
        //  A miss (a process older than the driver, a full table) falls back
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

XF_U64
XfCorePreOperation(
    _Inout_ XF_CORE *Core,
    _In_ const XF_OPERATION *Operation
    )
/*++

Routine Description:

    Everything the pre-operation callback decides. The live settings are read
    once, so one callback never mixes two configurations.

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
    }
    XfAtomicMin32(&Core->Counters.MinRemainingStack, remaining);

    slot = XfNestingEnter(Core, XfPlatCurrentThread(Core), &depth);
    XfAtomicMax32(&Core->Counters.MaxNestingDepth, depth);

    if (((guard & XF_GUARD_NESTING) != 0 && depth > 1) ||
        ((guard & XF_GUARD_LOW_STACK) != 0 && remaining < XF_LIVE_THRESHOLD(live))) {

        XfAtomicInc64(&Core->Counters.GuardSkips);

    } else {

        if (XF_LIVE_SELFTEST(live) == XF_SELFTEST_ON) {
            XfAtomicInc64(&Core->Counters.SelfTestTouches);
            XfPlatSelfTestTouch(Core, depth);
        }
        xid = XfXidForOperation(Core, XF_LIVE_MODE(live), Operation);
    }

    XfNestingLeave(slot);
    return xid;
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
{
    XF_U32 op;

    for (op = 0; op < XF_OP_COUNT; op++) {
        if (A[op] != B[op]) {
            return 1;
        }
    }
    return 0;
}

static XF_NTSTATUS
XfIoctlGetInfo(
    _In_ XF_CORE *Core,
    _In_ const XF_IOCTL_CALL *Call,
    _Out_ XF_U32 *Information
    )
{
    XF_INFO info;
    XF_U32 op;

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

static XF_NTSTATUS
XfIoctlGetConfig(
    _In_ XF_CORE *Core,
    _In_ const XF_IOCTL_CALL *Call,
    _Out_ XF_U32 *Information
    )
{
    XF_CONFIG config;

    XfPlatLock(Core);
    XfCopyBytes(&config, &Core->Config, sizeof(config));
    XfPlatUnlock(Core);

    XfCopyBytes(Call->OutputBuffer, &config, sizeof(config));
    *Information = sizeof(config);
    return XF_STATUS_SUCCESS;
}

static XF_NTSTATUS
XfIoctlSetConfig(
    _Inout_ XF_CORE *Core,
    _In_ const XF_IOCTL_CALL *Call,
    _Out_ XF_U32 *Information
    )
/*++

Routine Description:

    Validates the whole request, saves it, then applies Xid mode, guard and
    self-test in one store. Registration flags wait for the next load unless
    the caller asked for the experimental live re-registration. A failed save
    changes nothing.

--*/
{
    XF_SET_CONFIG_REQUEST request;
    XF_SET_CONFIG_RESPONSE response;
    XF_NTSTATUS status;
    XF_U32 op;

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
        response.ReregisterStatus = XfPlatReregister(Core, request.Config.OperationFlags);
        Core->RegisterStatus = response.ReregisterStatus;
        if (XF_NT_SUCCESS(response.ReregisterStatus)) {
            for (op = 0; op < XF_OP_COUNT; op++) {
                Core->ActiveOperationFlags[op] = request.Config.OperationFlags[op];
            }
            XfAtomicInc64(&Core->Counters.Reregistrations);
            response.ResultFlags |= XF_SETCFG_REREGISTERED;
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

static XF_NTSTATUS
XfIoctlGetStats(
    _In_ XF_CORE *Core,
    _In_ const XF_IOCTL_CALL *Call,
    _Out_ XF_U32 *Information
    )
{
    XF_STATS stats;
    const XF_COUNTERS *c = &Core->Counters;

    XfZeroBytes(&stats, sizeof(stats));
    stats.Size = sizeof(stats);
    stats.Version = XF_STRUCT_VERSION;
    stats.Callbacks = XfLoad64(&c->Callbacks);
    stats.PagingIoCallbacks = XfLoad64(&c->PagingIoCallbacks);
    stats.Lookups = XfLoad64(&c->Lookups);
    stats.LookupFailures = XfLoad64(&c->LookupFailures);
    stats.CacheHits = XfLoad64(&c->CacheHits);
    stats.CacheMisses = XfLoad64(&c->CacheMisses);
    stats.GuardSkips = XfLoad64(&c->GuardSkips);
    stats.SelfTestTouches = XfLoad64(&c->SelfTestTouches);
    stats.Reregistrations = XfLoad64(&c->Reregistrations);
    stats.MaxNestingDepth = XfLoad32(&c->MaxNestingDepth);
    stats.MinRemainingStack = XfLoad32(&c->MinRemainingStack);
    stats.Loads = Core->LoadCount;

    XfCopyBytes(Call->OutputBuffer, &stats, sizeof(stats));
    *Information = sizeof(stats);
    return XF_STATUS_SUCCESS;
}

static XF_NTSTATUS
XfIoctlQueryXid(
    _In_ XF_CORE *Core,
    _In_ const XF_IOCTL_CALL *Call,
    _Out_ XF_U32 *Information
    )
/*++

Routine Description:

    Computes the Xid of a process with a chosen mode. ProcessId 0 means the
    caller. The requestor mode has no callback data here: the IOCTL's own
    requestor stands in, so it answers only for the calling process.

--*/
{
    XF_QUERY_XID_REQUEST request;
    XF_QUERY_XID_RESPONSE response;
    XF_U64 xid = 0, createTime = 0;
    XF_NTSTATUS result;

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

XF_NTSTATUS
XfCoreDeviceControl(
    _Inout_ XF_CORE *Core,
    _In_ const XF_IOCTL_CALL *Call,
    _Out_ XF_U32 *Information
    )
/*++

Routine Description:

    Serves one IOCTL_XF_* request. Every check happens before any state
    changes; a failed request leaves the driver as it was.

Return Value:

    XF_STATUS_SUCCESS, or the NTSTATUS the wire contract names for the
    failure (short buffer, bad size/version/value, unknown code).

--*/
{
    XF_NTSTATUS status;

    XF_PAGED_CODE();

    *Information = 0;

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
        return XF_NT_SUCCESS(status) ? XfIoctlGetStats(Core, Call, Information) : status;

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
