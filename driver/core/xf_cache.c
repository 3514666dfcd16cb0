/*++

Module Name:

    xf_cache.c

Abstract:

    The process cache of the cached Xid mode, filled by the process-notify
    callbacks and read lock-free by the pre-operation callback.

    Open addressing with linear probing, every entry within XF_CACHE_MAX_PROBE
    slots of its home. Invariant: every slot between an entry's home and its
    own slot is non-empty, so a reader may stop at the first empty slot.
    Removal leaves a tombstone, which becomes empty again as soon as the slot
    after it is empty (no entry's probe sequence can pass through it then),
    so tombstones do not pile up over a long run of process churn.

Environment:

    Kernel mode or the user-mode kernel model.

--*/

#include "xf_core_internal.h"

#if defined(XF_KERNEL) && defined(ALLOC_PRAGMA)
#pragma alloc_text(PAGE, XfCoreProcessCreated)
#pragma alloc_text(PAGE, XfCoreProcessExited)
#endif

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

int
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
    XF_U64 xid;

    XF_PAGED_CODE();

    if (ProcessId == XF_CACHE_EMPTY || ProcessId == XF_CACHE_TOMBSTONE) {
        return;
    }
    xid = XfCoreComputeXid((XF_U64)(size_t)Process, ProcessId, CreateTime);

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
