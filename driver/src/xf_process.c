/*++

Module Name:

    xf_process.c

Abstract:

    The process-notify routine that fills the core's process cache for the
    cached Xid mode. PsSetCreateProcessNotifyRoutineEx requires an image linked
    with /INTEGRITYCHECK (the PE's FORCE_INTEGRITY bit); both builds set it.

Environment:

    Kernel mode, PASSIVE_LEVEL.

--*/

#include "xf_driver.h"

static VOID XfProcessNotify(_Inout_ PEPROCESS Process, _In_ HANDLE ProcessId,
                            _Inout_opt_ PPS_CREATE_NOTIFY_INFO CreateInfo);

#ifdef ALLOC_PRAGMA
#pragma alloc_text(INIT, XfRegisterProcessNotify)
#pragma alloc_text(PAGE, XfUnregisterProcessNotify)
#pragma alloc_text(PAGE, XfProcessNotify)
#endif

XF_INIT
NTSTATUS
XfRegisterProcessNotify(
    VOID
    )
/*++

Routine Description:

    Registers XfProcessNotify.

Arguments:

    None.

Return Value:

    What PsSetCreateProcessNotifyRoutineEx returned.

--*/
{
    NTSTATUS status;

    PAGED_CODE();

    status = PsSetCreateProcessNotifyRoutineEx(XfProcessNotify, FALSE);
    XfData.NotifyRegistered = NT_SUCCESS(status);
    return status;
}

XF_PAGED
VOID
XfUnregisterProcessNotify(
    VOID
    )
/*++

Routine Description:

    Removes XfProcessNotify if it was registered.

Arguments:

    None.

Return Value:

    None.

--*/
{
    PAGED_CODE();

    if (XfData.NotifyRegistered) {
        (VOID)PsSetCreateProcessNotifyRoutineEx(XfProcessNotify, TRUE);
        XfData.NotifyRegistered = FALSE;
    }
}

XF_PAGED
static VOID
XfProcessNotify(
    _Inout_ PEPROCESS Process,
    _In_ HANDLE ProcessId,
    _Inout_opt_ PPS_CREATE_NOTIFY_INFO CreateInfo
    )
/*++

Routine Description:

    Feeds the core's process cache (PASSIVE_LEVEL, in the creating or exiting
    context).

Arguments:

    Process - The process.

    ProcessId - Its pid.

    CreateInfo - Non-NULL for a creation, NULL for an exit.

Return Value:

    None.

--*/
{
    PAGED_CODE();

    if (CreateInfo != NULL) {
        XfCoreProcessCreated(&XfData.Core, (XF_U64)(ULONG_PTR)ProcessId, Process,
                             (XF_U64)PsGetProcessCreateTimeQuadPart(Process));
    } else {
        XfCoreProcessExited(&XfData.Core, (XF_U64)(ULONG_PTR)ProcessId);
    }
}
