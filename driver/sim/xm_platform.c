/*++

Module Name:

    xm_platform.c

Abstract:

    The XfPlat* routines of the portable core over the model's mechanisms:
    the current thread and its stack, the CID-table lookup (which touches the
    pageable CID pages, so it can fault and re-enter the filter), process
    facts, the self-test's page touches, the service key, re-registration and
    the locks. Below the core and above the mechanisms: nothing here calls
    the core or the driver glue.

Environment:

    User mode model.

--*/

#include <stdlib.h>
#include "xm_model.h"

#define XM_MACHINE_OF(Core) ((XM_MACHINE *)(Core)->Platform)

XF_U64
XfPlatCurrentThread(
    XF_CORE *Core
    )
/*++

Routine Description:

    PsGetCurrentThread, as the core keys its nesting slots.

--*/
{
    return XmThreadAddress(XM_MACHINE_OF(Core)->Current);
}

XF_U32
XfPlatRemainingStack(
    XF_CORE *Core
    )
/*++

Routine Description:

    IoGetRemainingStackSize on the current thread.

--*/
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
/*++

Routine Description:

    ObDereferenceObject on a process PsLookupProcessByProcessId returned.

--*/
{
    XM_PROCESS *process = XmProcessFromAddress(XM_MACHINE_OF(Core), Process);

    if (process != NULL) {
        process->References--;
    }
}

static const XM_PROCESS *
XmProcessOf(
    XF_CORE *Core,
    void *Process
    )
/*++

Routine Description:

    The modelled process at an EPROCESS address; a process of zeros (pid 0,
    create time 0) for an address that is none.

--*/
{
    static const XM_PROCESS none;
    const XM_PROCESS *process = XmProcessFromAddress(XM_MACHINE_OF(Core), Process);

    return process != NULL ? process : &none;
}

XF_U64
XfPlatProcessCreateTime(
    XF_CORE *Core,
    void *Process
    )
/*++

Routine Description:

    PsGetProcessCreateTimeQuadPart.

--*/
{
    return XmProcessOf(Core, Process)->CreateTime;
}

XF_U64
XfPlatProcessId(
    XF_CORE *Core,
    void *Process
    )
/*++

Routine Description:

    PsGetProcessId, as the core reads it: a 64-bit pid.

--*/
{
    return XmProcessOf(Core, Process)->ProcessId;
}

void *
XfPlatRequestorProcess(
    XF_CORE *Core,
    const XF_OPERATION *Operation
    )
/*++

Routine Description:

    FltGetRequestorProcess: the process that issued the operation.

--*/
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
/*++

Routine Description:

    FltGetRequestorProcessId: the pid of the process that issued the
    operation.

--*/
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
/*++

Routine Description:

    Writes the configuration to the service key's Parameters\Config.

--*/
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
/*++

Routine Description:

    Takes the core's lock (a pushlock in the driver).

--*/
{
    pthread_mutex_lock(&XM_MACHINE_OF(Core)->CoreLock);
}

void
XfPlatUnlock(
    XF_CORE *Core
    )
/*++

Routine Description:

    Releases the core's lock.

--*/
{
    pthread_mutex_unlock(&XM_MACHINE_OF(Core)->CoreLock);
}

void
XfPlatDrainSignal(
    XF_CORE *Core
    )
/*++

Routine Description:

    Wakes an unload waiting for requests to drain: the model runs one thread
    at a time, so nothing waits.

--*/
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
