/*++

Module Name:

    xm_driver.c

Abstract:

    xidfilter as the kernel model loads it: the same shape as the kernel glue in
    driver/src (DriverEntry reads the service key and registers with the saved
    flags, the pre-operation callback fills an XF_OPERATION for the core, the
    process-notify routine feeds the cache, IOCTLs go to XfCoreDeviceControl),
    and the XfPlat* routines of the portable core over the model's mechanisms.

    All decisions are the core's: the model only supplies what a kernel would.

Environment:

    User mode model.

--*/

#include <stdlib.h>
#include <string.h>
#include "xm_model.h"

#define XM_MACHINE_OF(Core) ((XM_MACHINE *)(Core)->Platform)

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

    Machine->NotifyRegistered = 1;
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
    Machine->NotifyRegistered = 0;
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
    XF_IOCTL_CALL call;
    int32_t status;

    XmPushFrame(Machine, XmFnXfDeviceControl);
    memset(&call, 0, sizeof(call));
    call.IoControlCode = Code;
    call.InputBuffer = In;
    call.InputLength = InLength;
    call.OutputBuffer = Out;
    call.OutputLength = OutLength;
    call.CallerProcess = XmProcessAddress(Machine->ControllerProcess);
    call.CallerProcessId = Machine->ControllerProcess->ProcessId;
    status = XfCoreDeviceControl(&Machine->Core, &call, BytesReturned);
    XmPopFrame(Machine);
    return status;
}

/*************************************************************************
    The platform of the portable core
*************************************************************************/

XF_U64
XfPlatCurrentThread(
    XF_CORE *Core
    )
{
    return XmThreadAddress(XM_MACHINE_OF(Core)->Current);
}

XF_U32
XfPlatRemainingStack(
    XF_CORE *Core
    )
{
    return XM_KERNEL_STACK_SIZE - XM_MACHINE_OF(Core)->Current->StackUsed;
}

XF_NTSTATUS
XfPlatLookupProcess(
    XF_CORE *Core,
    XF_U64 ProcessId,
    void **Process
    )
/*++

Routine Description:

    PsLookupProcessByProcessId: PspReferenceCidTableEntry reads the handle-table
    entry for the pid, which touches its pageable page. That touch is where
    the field crash starts when the page is out.

--*/
{
    XM_MACHINE *m = XM_MACHINE_OF(Core);
    uint64_t index = ProcessId / 4;
    XM_PROCESS *process = NULL;

    XmPushFrame(m, XmFnPsLookupProcessByProcessId);
    XmPushFrame(m, XmFnPspReferenceCidTableEntry);
    if (ProcessId % 4 == 0 && index < XM_CID_PAGES * XM_CID_PAGE_ENTRIES) {
        XmTouchPage(m, XmCidPageOf(ProcessId), 0);
        if (!m->Cid[index].IsThread) {
            process = m->Cid[index].Process;
        }
    }
    if (process != NULL) {
        process->References++;
    }
    XmPopFrame(m);
    XmPopFrame(m);

    if (process == NULL) {
        return XF_STATUS_INVALID_CID;
    }
    *Process = XmProcessAddress(process);
    return XF_STATUS_SUCCESS;
}

void
XfPlatDereferenceProcess(
    XF_CORE *Core,
    void *Process
    )
{
    XM_PROCESS *process = XmProcessFromAddress(XM_MACHINE_OF(Core), Process);

    if (process != NULL) {
        process->References--;
    }
}

XF_U64
XfPlatProcessCreateTime(
    XF_CORE *Core,
    void *Process
    )
{
    XM_PROCESS *process = XmProcessFromAddress(XM_MACHINE_OF(Core), Process);

    return process != NULL ? process->CreateTime : 0;
}

XF_U64
XfPlatProcessId(
    XF_CORE *Core,
    void *Process
    )
{
    XM_PROCESS *process = XmProcessFromAddress(XM_MACHINE_OF(Core), Process);

    return process != NULL ? process->ProcessId : 0;
}

void *
XfPlatRequestorProcess(
    XF_CORE *Core,
    const XF_OPERATION *Operation
    )
{
    const XM_CALLBACK_DATA *data = Operation->CallbackData;

    (void)Core;
    return data->Requestor != NULL ? XmProcessAddress(data->Requestor) : NULL;
}

XF_U32
XfPlatPagingIoTarget(
    XF_CORE *Core,
    const XF_OPERATION *Operation
    )
/*++

Routine Description:

    What the paging I/O is for, as the filter manager's dispatch said.

--*/
{
    const XM_CALLBACK_DATA *data = Operation->CallbackData;

    (void)Core;
    return data->Target;
}

XF_U64
XfPlatRequestorProcessId(
    XF_CORE *Core,
    const XF_OPERATION *Operation
    )
{
    const XM_CALLBACK_DATA *data = Operation->CallbackData;

    (void)Core;
    return data->Requestor != NULL ? data->Requestor->ProcessId : 0;
}

void
XfPlatSelfTestTouch(
    XF_CORE *Core,
    XF_U32 Page
    )
/*++

Routine Description:

    Touches one page of the driver's own pageable image: when it is out, its
    paging read re-enters the filter whatever the Xid mode.

--*/
{
    XM_MACHINE *m = XM_MACHINE_OF(Core);

    if (Page >= XM_IMAGE_PAGES) {
        abort();                            // the core never asks for one beyond its maximum depth
    }
    XmPushFrame(m, XmFnXfSelfTestTouch);
    XmTouchPage(m, XM_CID_PAGES + Page, 0);
    XmPopFrame(m);
}

XF_NTSTATUS
XfPlatSaveConfig(
    XF_CORE *Core,
    const XF_CONFIG *Config
    )
{
    XM_MACHINE *m = XM_MACHINE_OF(Core);

    m->ServiceKey.Config = *Config;
    m->ServiceKey.HasConfig = 1;
    return XF_STATUS_SUCCESS;
}

XF_NTSTATUS
XfPlatReregister(
    XF_CORE *Core,
    const XF_U32 OperationFlags[XF_OP_COUNT]
    )
/*++

Routine Description:

    The experimental live re-registration: unregister (draining callbacks in
    flight), register with the new flags, start filtering again.

--*/
{
    XM_MACHINE *m = XM_MACHINE_OF(Core);
    int32_t status;

    XmFltUnregisterFilter(m);
    status = XmFltRegisterFilter(m, OperationFlags);
    if (status >= 0) {
        status = XmFltStartFiltering(m);
        if (status < 0) {
            XmFltUnregisterFilter(m);
        }
    }
    return status;
}

void
XfPlatLock(
    XF_CORE *Core
    )
{
    pthread_mutex_lock(&XM_MACHINE_OF(Core)->CoreLock);
}

void
XfPlatUnlock(
    XF_CORE *Core
    )
{
    pthread_mutex_unlock(&XM_MACHINE_OF(Core)->CoreLock);
}

void
XfPlatDrainSignal(
    XF_CORE *Core
    )
{
    (void)Core;
}

void
XfPlatDrainWait(
    XF_CORE *Core
    )
/*++

Routine Description:

    The unload waiting for control-device requests in flight. The model runs
    one request at a time under the machine lock, which the unloading thread
    holds, so none can be inside: a wait would be a model bug.

--*/
{
    (void)Core;
    abort();
}
