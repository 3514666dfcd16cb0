/*++

Module Name:

    xf_operations.c

Abstract:

    The pre-operation callback. It runs for paging I/O (unless the operation's
    registration skips it), so it and everything it reaches is non-paged: no
    alloc_text and no XF_PAGED here, nor on anything it calls (the PE test of
    the GCC build walks the calls from XfPreOperation and checks it).

Environment:

    Kernel mode, IRQL <= APC_LEVEL.

--*/

#include "xf_driver.h"

FLT_PREOP_CALLBACK_STATUS FLTAPI
XfPreOperation(
    _Inout_ PFLT_CALLBACK_DATA Data,
    _In_ PCFLT_RELATED_OBJECTS FltObjects,
    _Out_ PVOID *CompletionContext
    )
/*++

Routine Description:

    Hands the operation to the core (telemetry, nesting, guard, self-test, Xid
    by the configured mode) and lets it through unchanged.

Arguments:

    Data - The operation's callback data.

    FltObjects - The filter, instance, volume and file object.

    CompletionContext - Set to NULL: there is no post-operation callback.

Return Value:

    FLT_PREOP_SUCCESS_NO_CALLBACK.

--*/
{
    XF_OPERATION operation;

    UNREFERENCED_PARAMETER(FltObjects);

    //
    //  Pre-operation callbacks for IRP-based I/O run at IRQL <= APC_LEVEL;
    //  the core's lookup and the self-test's page touch depend on it.
    //
    FLT_ASSERT(KeGetCurrentIrql() <= APC_LEVEL);

    *CompletionContext = NULL;

    switch (Data->Iopb->MajorFunction) {
    case IRP_MJ_CREATE:
        operation.Operation = XF_OP_CREATE;
        break;
    case IRP_MJ_READ:
        operation.Operation = XF_OP_READ;
        break;
    default:
        operation.Operation = XF_OP_WRITE;
        break;
    }
    operation.IsPagingIo = FlagOn(Data->Iopb->IrpFlags, IRP_PAGING_IO) != 0;
    operation.IsNonCached = FlagOn(Data->Iopb->IrpFlags, IRP_NOCACHE) != 0;
    operation.CallbackData = Data;

    (VOID)XfCorePreOperation(&XfData.Core, &operation);

    return FLT_PREOP_SUCCESS_NO_CALLBACK;
}
