/*++

Module Name:

    xf_platform_kernel.c

Abstract:

    The XfPlat* routines of the portable core over ntoskrnl and the filter
    manager. Those the pre-operation path calls are non-paged (no alloc_text):
    they run for paging I/O. Only the PASSIVE_LEVEL ones are pageable.

Environment:

    Kernel mode.

--*/

#include "xf_driver.h"

VOID XfSelfTestTouchPage(_In_ XF_U32 Depth);

#ifdef ALLOC_PRAGMA
#pragma alloc_text(PAGE, XfPlatSaveConfig)
#pragma alloc_text(PAGE, XfPlatReregister)
#pragma alloc_text(PAGE, XfPlatLock)
#pragma alloc_text(PAGE, XfPlatUnlock)
#endif

XF_U64
XfPlatCurrentThread(
    _In_ XF_CORE *Core
    )
{
    UNREFERENCED_PARAMETER(Core);
    return (XF_U64)(ULONG_PTR)PsGetCurrentThread();
}

XF_U32
XfPlatRemainingStack(
    _In_ XF_CORE *Core
    )
/*++

Routine Description:

    IoGetRemainingStackSize, spelled out over IoGetStackLimits (the WDK's is
    an inline, not an export).

--*/
{
    ULONG_PTR low;
    ULONG_PTR high;
    ULONG_PTR here = (ULONG_PTR)&low;

    UNREFERENCED_PARAMETER(Core);
    IoGetStackLimits(&low, &high);
    return (XF_U32)(here - low);
}

XF_NTSTATUS
XfPlatLookupProcess(
    _In_ XF_CORE *Core,
    _In_ XF_U64 ProcessId,
    _Out_ void **Process
    )
{
    PEPROCESS process;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Core);
    status = PsLookupProcessByProcessId((HANDLE)(ULONG_PTR)ProcessId, &process);
    if (NT_SUCCESS(status)) {
        *Process = process;
    }
    return status;
}

void
XfPlatDereferenceProcess(
    _In_ XF_CORE *Core,
    _In_ void *Process
    )
{
    UNREFERENCED_PARAMETER(Core);
    ObDereferenceObject(Process);
}

XF_U64
XfPlatProcessCreateTime(
    _In_ XF_CORE *Core,
    _In_ void *Process
    )
{
    UNREFERENCED_PARAMETER(Core);
    return (XF_U64)PsGetProcessCreateTimeQuadPart((PEPROCESS)Process);
}

XF_U64
XfPlatProcessId(
    _In_ XF_CORE *Core,
    _In_ void *Process
    )
{
    UNREFERENCED_PARAMETER(Core);
    return (XF_U64)(ULONG_PTR)PsGetProcessId((PEPROCESS)Process);
}

void *
XfPlatRequestorProcess(
    _In_ XF_CORE *Core,
    _In_ const XF_OPERATION *Operation
    )
{
    UNREFERENCED_PARAMETER(Core);
    return FltGetRequestorProcess((PFLT_CALLBACK_DATA)Operation->CallbackData);
}

XF_U64
XfPlatRequestorProcessId(
    _In_ XF_CORE *Core,
    _In_ const XF_OPERATION *Operation
    )
{
    UNREFERENCED_PARAMETER(Core);
    return FltGetRequestorProcessId((PFLT_CALLBACK_DATA)Operation->CallbackData);
}

void
XfPlatSelfTestTouch(
    _In_ XF_CORE *Core,
    _In_ XF_U32 Depth
    )
{
    UNREFERENCED_PARAMETER(Core);
    XfSelfTestTouchPage(Depth);
}

XF_NTSTATUS
XfPlatSaveConfig(
    _In_ XF_CORE *Core,
    _In_ const XF_CONFIG *Config
    )
{
    UNREFERENCED_PARAMETER(Core);
    PAGED_CODE();

    return XfWriteServiceConfig(Config);
}

XF_NTSTATUS
XfPlatReregister(
    _In_ XF_CORE *Core,
    _In_reads_(XF_OP_COUNT) const XF_U32 OperationFlags[XF_OP_COUNT]
    )
/*++

Routine Description:

    EXPERIMENTAL and undocumented as a practice: unregister, register with new
    flags, start filtering again, all now. The documented way is a reload.
    FltUnregisterFilter waits for callbacks in flight.

--*/
{
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Core);
    PAGED_CODE();

    XfUnregisterFilter();
    status = XfRegisterFilter(OperationFlags);
    if (NT_SUCCESS(status)) {
        status = FltStartFiltering(XfData.Filter);
        if (NT_SUCCESS(status)) {
            XfCoreSetStateFlags(&XfData.Core, XF_INFO_FILTERING_STARTED, 0);
        } else {
            XfUnregisterFilter();
        }
    }
    return status;
}

void
XfPlatLock(
    _In_ XF_CORE *Core
    )
{
    UNREFERENCED_PARAMETER(Core);
    PAGED_CODE();

    KeEnterCriticalRegion();
    ExAcquireResourceExclusiveLite(&XfData.Lock, TRUE);
}

void
XfPlatUnlock(
    _In_ XF_CORE *Core
    )
{
    UNREFERENCED_PARAMETER(Core);
    PAGED_CODE();

    ExReleaseResourceLite(&XfData.Lock);
    KeLeaveCriticalRegion();
}
