/*++

Module Name:

    xf_unload.c

Abstract:

    The control device's handles and the unload decision: open counting and
    the run-down that lets requests in flight finish before the filter goes.

Environment:

    Kernel mode or the user-mode kernel model.

--*/

#include "xf_core_internal.h"

static void XfRundownWait(XF_CORE *Core);

#if defined(XF_KERNEL) && defined(ALLOC_PRAGMA)
#pragma alloc_text(PAGE, XfRundownWait)
#pragma alloc_text(PAGE, XfCoreControlCreate)
#pragma alloc_text(PAGE, XfCoreControlClose)
#pragma alloc_text(PAGE, XfCoreFilterUnload)
#endif

int
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

void
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
