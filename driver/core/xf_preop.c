/*++

Module Name:

    xf_preop.c

Abstract:

    The pre-operation path: telemetry, nesting, the guard and the self-test
    around the Xid. Non-paged: it runs for paging I/O.

Environment:

    Kernel mode or the user-mode kernel model.

--*/

#include "xf_core_internal.h"

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
