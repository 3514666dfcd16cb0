/*++

Module Name:

    xf_platform_kernel.c

Abstract:

    The XfPlat* routines of the portable core over ntoskrnl and the filter
    manager (XfPlatPagingIoTarget is in xf_paging.c). Those the pre-operation
    path calls are non-paged: they run for paging I/O. Only the PASSIVE_LEVEL
    ones are pageable.

Environment:

    Kernel mode.

--*/

#include "xf_driver.h"

#ifdef ALLOC_PRAGMA
#pragma alloc_text(PAGE, XfPlatSaveConfig)
#pragma alloc_text(PAGE, XfPlatReregister)
#pragma alloc_text(PAGE, XfPlatLock)
#pragma alloc_text(PAGE, XfPlatUnlock)
#pragma alloc_text(PAGE, XfPlatDrainWait)
#endif

XF_U64
XfPlatCurrentThread(
    _In_ XF_CORE *Core
    )
/*++

Routine Description:

    The current thread's ETHREAD, as the nesting tracker's key.

Arguments:

    Core - The core.

Return Value:

    PsGetCurrentThread(), never 0.

--*/
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

Arguments:

    Core - The core.

Return Value:

    Bytes between the caller's frame and the stack limit.

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
/*++

Routine Description:

    The field pattern's PsLookupProcessByProcessId (a CID table walk).

Arguments:

    Core - The core.

    ProcessId - The pid.

    Process - Receives the referenced EPROCESS on success.

Return Value:

    What PsLookupProcessByProcessId returned.

--*/
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
/*++

Routine Description:

    Drops the reference XfPlatLookupProcess took.

Arguments:

    Core - The core.

    Process - The EPROCESS.

Return Value:

    None.

--*/
{
    UNREFERENCED_PARAMETER(Core);
    ObDereferenceObject(Process);
}

XF_U64
XfPlatProcessCreateTime(
    _In_ XF_CORE *Core,
    _In_ void *Process
    )
/*++

Routine Description:

    PsGetProcessCreateTimeQuadPart.

Arguments:

    Core - The core.

    Process - An EPROCESS the caller keeps valid.

Return Value:

    The create time (100 ns units since 1601).

--*/
{
    UNREFERENCED_PARAMETER(Core);
    return (XF_U64)PsGetProcessCreateTimeQuadPart((PEPROCESS)Process);
}

XF_U64
XfPlatProcessId(
    _In_ XF_CORE *Core,
    _In_ void *Process
    )
/*++

Routine Description:

    PsGetProcessId.

Arguments:

    Core - The core.

    Process - An EPROCESS the caller keeps valid.

Return Value:

    The pid.

--*/
{
    UNREFERENCED_PARAMETER(Core);
    return (XF_U64)(ULONG_PTR)PsGetProcessId((PEPROCESS)Process);
}

void *
XfPlatRequestorProcess(
    _In_ XF_CORE *Core,
    _In_ const XF_OPERATION *Operation
    )
/*++

Routine Description:

    FltGetRequestorProcess: no CID walk.

Arguments:

    Core - The core.

    Operation - The operation.

Return Value:

    The requestor's EPROCESS (not referenced), or NULL.

--*/
{
    UNREFERENCED_PARAMETER(Core);
    return FltGetRequestorProcess((PFLT_CALLBACK_DATA)Operation->CallbackData);
}

XF_U64
XfPlatRequestorProcessId(
    _In_ XF_CORE *Core,
    _In_ const XF_OPERATION *Operation
    )
/*++

Routine Description:

    FltGetRequestorProcessId.

Arguments:

    Core - The core.

    Operation - The operation.

Return Value:

    The requestor's pid.

--*/
{
    UNREFERENCED_PARAMETER(Core);
    return FltGetRequestorProcessId((PFLT_CALLBACK_DATA)Operation->CallbackData);
}

void
XfPlatSelfTestTouch(
    _In_ XF_CORE *Core,
    _In_ XF_U32 Page
    )
/*++

Routine Description:

    Touches one of the self-test's pageable pages.

Arguments:

    Core - The core.

    Page - 0 .. XF_SELFTEST_MAX_DEPTH - 1.

Return Value:

    None.

--*/
{
    UNREFERENCED_PARAMETER(Core);
    XfSelfTestTouchPage(Page);
}

XF_PAGED
XF_NTSTATUS
XfPlatSaveConfig(
    _In_ XF_CORE *Core,
    _In_ const XF_CONFIG *Config
    )
/*++

Routine Description:

    Persists the configuration (xf_registry.c).

Arguments:

    Core - The core.

    Config - A validated configuration.

Return Value:

    STATUS_SUCCESS, or why it could not be written.

--*/
{
    UNREFERENCED_PARAMETER(Core);
    PAGED_CODE();

    return XfWriteServiceConfig(Config);
}

XF_PAGED
XF_NTSTATUS
XfPlatReregister(
    _In_ XF_CORE *Core,
    _In_reads_(XF_OP_COUNT) const XF_U32 OperationFlags[XF_OP_COUNT]
    )
/*++

Routine Description:

    EXPERIMENTAL and undocumented as a practice: unregister, register with new
    flags, start filtering again, all now. The documented way is a reload.
    FltUnregisterFilter waits for callbacks in flight. Called under
    XfPlatLock with the control device's run-down held, so an unload waits
    for it to finish; if the filter manager has already begun unloading the
    filter when FltUnregisterFilter is called here, what it does then is not
    documented, a risk only this experimental option takes.

Arguments:

    Core - The core.

    OperationFlags - The flags to register with.

Return Value:

    STATUS_SUCCESS when registered and filtering; otherwise the failing
    status, with no filter registered.

--*/
{
    NTSTATUS status;

    UNREFERENCED_PARAMETER(Core);
    PAGED_CODE();

    XfUnregisterFilter();
    status = XfRegisterFilter(OperationFlags);
    if (NT_SUCCESS(status)) {
        status = FltStartFiltering(XfData.Filter);
        if (!NT_SUCCESS(status)) {
            XfUnregisterFilter();
        }
    }
    return status;
}

XF_PAGED
void
XfPlatLock(
    _In_ XF_CORE *Core
    )
/*++

Routine Description:

    Takes the ERESOURCE exclusive inside a critical region (normal kernel
    APCs off, IRQL stays PASSIVE_LEVEL).

Arguments:

    Core - The core.

Return Value:

    None.

--*/
{
    UNREFERENCED_PARAMETER(Core);
    PAGED_CODE();

    KeEnterCriticalRegion();
    ExAcquireResourceExclusiveLite(&XfData.Lock, TRUE);
}

XF_PAGED
void
XfPlatUnlock(
    _In_ XF_CORE *Core
    )
/*++

Routine Description:

    Releases what XfPlatLock took.

Arguments:

    Core - The core.

Return Value:

    None.

--*/
{
    UNREFERENCED_PARAMETER(Core);
    PAGED_CODE();

    ExReleaseResourceLite(&XfData.Lock);
    KeLeaveCriticalRegion();
}

void
XfPlatDrainSignal(
    _In_ XF_CORE *Core
    )
/*++

Routine Description:

    The last control-device request to leave after the unload began wakes
    the unload (KeSetEvent, <= DISPATCH_LEVEL; the event is non-paged).

Arguments:

    Core - The core.

Return Value:

    None.

--*/
{
    UNREFERENCED_PARAMETER(Core);
    (VOID)KeSetEvent(&XfData.Drained, IO_NO_INCREMENT, FALSE);
}

XF_PAGED
void
XfPlatDrainWait(
    _In_ XF_CORE *Core
    )
/*++

Routine Description:

    The unload waits for the requests in flight (PASSIVE_LEVEL, no timeout:
    every request finishes, none waits on the unload).

Arguments:

    Core - The core.

Return Value:

    None.

--*/
{
    UNREFERENCED_PARAMETER(Core);
    PAGED_CODE();

    (VOID)KeWaitForSingleObject(&XfData.Drained, Executive, KernelMode, FALSE, NULL);
}
