/*++

Module Name:

    xm_driver.c

Abstract:

    xidfilter as the kernel model loads it: the same shape as the kernel glue in
    driver/src (DriverEntry reads the service key and registers with the saved
    flags, the pre-operation callback fills an XF_OPERATION for the core, the
    process-notify routine feeds the cache, IOCTLs go to XfCoreDeviceControl).
    The XfPlat* routines the core calls back are xm_platform.c's.

    All decisions are the core's: the model only supplies what a kernel would.

Environment:

    User mode model.

--*/

#include <stdlib.h>
#include "xm_model.h"

/*************************************************************************
    Driver entry, unload, callbacks
*************************************************************************/

int32_t
XmDriverEntry(
    XM_MACHINE *Machine
    )
/*++

Routine Description:

    Reads Parameters\Config (a config that does not validate is replaced by the
    default inside XfCoreInitialize), counts the load, registers with the
    saved flags, starts filtering, registers the process-notify routine.

--*/
{
    XM_SERVICE_KEY *key = &Machine->ServiceKey;
    int32_t status;

    key->LoadCount++;
    XfCoreInitialize(&Machine->Core, key->HasConfig ? &key->Config : NULL, XF_BUILD_MODEL, key->LoadCount,
                     Machine);

    Machine->Filter.PreOperation = XmDriverPreOperation;
    status = XmFltRegisterFilter(Machine, Machine->Core.Config.OperationFlags);
    XfCoreNoteRegistration(&Machine->Core, status, Machine->Core.Config.OperationFlags);
    if (status < 0) {
        return status;
    }
    status = XmFltStartFiltering(Machine);
    if (status < 0) {
        XmFltUnregisterFilter(Machine);
        XfCoreSetStateFlags(&Machine->Core, 0, XF_INFO_FILTER_REGISTERED);
        return status;
    }
    XfCoreSetStateFlags(&Machine->Core, XF_INFO_FILTERING_STARTED, 0);

    Machine->ProcessNotify = XmDriverProcessNotify;
    XfCoreSetStateFlags(&Machine->Core, XF_INFO_PROCESS_NOTIFY, 0);
    return XM_STATUS_SUCCESS;
}

int32_t
XmDriverUnload(
    XM_MACHINE *Machine,
    int Mandatory
    )
/*++

Routine Description:

    XfFilterUnload: the core decides (a non-mandatory unload with a handle
    open on the control device is refused), then the reverse of DriverEntry.

--*/
{
    int32_t status = XfCoreFilterUnload(&Machine->Core, Mandatory);

    if (status < 0) {
        return status;
    }
    Machine->ProcessNotify = NULL;
    XmFltUnregisterFilter(Machine);
    XfCoreSetStateFlags(&Machine->Core, 0,
                        XF_INFO_PROCESS_NOTIFY | XF_INFO_FILTERING_STARTED | XF_INFO_FILTER_REGISTERED);
    return XM_STATUS_SUCCESS;
}

int32_t
XmDriverCreate(
    XM_MACHINE *Machine
    )
/*++

Routine Description:

    IRP_MJ_CREATE on \Device\XidFilter.

--*/
{
    return XfCoreControlCreate(&Machine->Core);
}

void
XmDriverClose(
    XM_MACHINE *Machine
    )
/*++

Routine Description:

    IRP_MJ_CLOSE on \Device\XidFilter.

--*/
{
    XfCoreControlClose(&Machine->Core);
}

void
XmDriverPreOperation(
    XM_MACHINE *Machine,
    XM_CALLBACK_DATA *Data
    )
/*++

Routine Description:

    XfPreOperation: hand the operation to the core and let it through
    (FLT_PREOP_SUCCESS_NO_CALLBACK).

--*/
{
    XF_OPERATION operation;

    XmPushFrame(Machine, XmFnXfPreOperation);
    operation.Operation = Data->MajorFunction;
    operation.IsPagingIo = (Data->IrpFlags & XM_IRP_PAGING_IO) != 0;
    operation.IsNonCached = (Data->IrpFlags & XM_IRP_NOCACHE) != 0;
    operation.CallbackData = Data;
    XmPushFrame(Machine, XmFnXfCorePreOperation);
    XfCorePreOperation(&Machine->Core, &operation);
    XmPopFrame(Machine);
    XmPopFrame(Machine);
}

void
XmDriverProcessNotify(
    XM_MACHINE *Machine,
    XM_PROCESS *Process,
    int Created
    )
{
    if (Created) {
        XfCoreProcessCreated(&Machine->Core, Process->ProcessId, XmProcessAddress(Process), Process->CreateTime);
    } else {
        XfCoreProcessExited(&Machine->Core, Process->ProcessId);
    }
}

int32_t
XmDriverDeviceControl(
    XM_MACHINE *Machine,
    uint32_t Code,
    const void *In,
    uint32_t InLength,
    void *Out,
    uint32_t OutLength,
    uint32_t *BytesReturned
    )
{
    XF_IOCTL_CALL call = {
        .IoControlCode = Code, .InputBuffer = In, .InputLength = InLength, .OutputBuffer = Out,
        .OutputLength = OutLength, .CallerProcess = XmProcessAddress(Machine->ControllerProcess),
        .CallerProcessId = Machine->ControllerProcess->ProcessId,
    };
    int32_t status;

    XmPushFrame(Machine, XmFnXfDeviceControl);
    status = XfCoreDeviceControl(&Machine->Core, &call, BytesReturned);
    XmPopFrame(Machine);
    return status;
}
