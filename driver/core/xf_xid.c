/*++

Module Name:

    xf_xid.c

Abstract:

    The Xid: the field code's formula, the CID-table lookup and the Xid of a
    process the caller holds; which of them an operation gets (by mode).

Environment:

    Kernel mode or the user-mode kernel model.

--*/

#include "xf_core_internal.h"

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

XF_NTSTATUS
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

XF_U64
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
