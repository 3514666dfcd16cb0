/*++

Module Name:

    xm_fltmgr.c

Abstract:

    The filter manager as far as the crash needs it: one registered minifilter,
    its per-operation registration flags fixed at registration, and the
    dispatch that calls its pre-operation callback unless a flag says to skip
    the operation, then passes the operation down to the file system:

      FLTFL_OPERATION_REGISTRATION_SKIP_PAGING_IO    IRP_PAGING_IO set
      FLTFL_OPERATION_REGISTRATION_SKIP_CACHED_IO    read/write without IRP_NOCACHE (and not paging)
      FLTFL_OPERATION_REGISTRATION_SKIP_NON_DASD_IO  I/O on a file rather than a volume (all of the
                                                     model's I/O)
      FLTFL_OPERATION_REGISTRATION_SKIP_NON_CACHED_NON_PAGING_IO (0x8, Windows 8 and later)
                                                     read/write with IRP_NOCACHE and without
                                                     IRP_PAGING_IO: non-cached I/O an application asked for
                                                     (paging I/O, also non-cached, is still seen)

    Unregistering waits for callbacks in flight (a rundown), so the filter can
    be unregistered and registered again while operations run. A test can
    make the next registration fail (XmFailNextRegistration), to drive the
    driver's recovery from a failed live re-registration.

Environment:

    User mode model.

--*/

#include <stdlib.h>
#include "xm_model.h"

int32_t
XmFltRegisterFilter(
    XM_MACHINE *Machine,
    const uint32_t OperationFlags[XF_OP_COUNT]
    )
{
    uint32_t op;
    int32_t injected = Machine->Filter.FailNextRegistration;

    if (injected != 0) {
        Machine->Filter.FailNextRegistration = 0;
        return injected;
    }
    if (Machine->Filter.Registered) {
        return (int32_t)0xC01C0011;         // STATUS_FLT_INSTANCE_ALTITUDE_COLLISION: one filter only
    }
    for (op = 0; op < XF_OP_COUNT; op++) {
        if ((OperationFlags[op] & ~XF_REG_VALID_MASK) != 0) {
            return XM_STATUS_INVALID_PARAMETER;
        }
        Machine->Filter.OperationFlags[op] = OperationFlags[op];
    }
    Machine->Filter.Registered = 1;
    Machine->Filter.Filtering = 0;
    Machine->Filter.Generation++;
    return XM_STATUS_SUCCESS;
}

int32_t
XmFltStartFiltering(
    XM_MACHINE *Machine
    )
{
    if (!Machine->Filter.Registered) {
        return XM_STATUS_INVALID_PARAMETER;
    }
    Machine->Filter.Filtering = 1;
    return XM_STATUS_SUCCESS;
}

void
XmFltUnregisterFilter(
    XM_MACHINE *Machine
    )
/*++

Routine Description:

    FltUnregisterFilter: no new callbacks, then wait for those in flight. In
    the model every operation runs under the machine lock, which the caller
    holds, so the rundown is already drained on other threads; callbacks in
    flight on the caller's own thread would deadlock a real machine and are a
    model bug here.

--*/
{
    Machine->Filter.Filtering = 0;
    Machine->Filter.Registered = 0;
    if (Machine->Filter.InFlight != 0) {
        abort();
    }
}

static int
XmFltSkips(
    uint32_t Flags,
    uint32_t IrpFlags,
    uint32_t Operation
    )
{
    int paging = (IrpFlags & XM_IRP_PAGING_IO) != 0;
    int cached = Operation != XF_OP_CREATE && !paging && (IrpFlags & XM_IRP_NOCACHE) == 0;
    int nonCachedNonPaging = Operation != XF_OP_CREATE && !paging && (IrpFlags & XM_IRP_NOCACHE) != 0;

    if ((Flags & XF_REG_SKIP_PAGING_IO) != 0 && paging) {
        return 1;
    }
    if ((Flags & XF_REG_SKIP_CACHED_IO) != 0 && cached) {
        return 1;
    }
    if ((Flags & XF_REG_SKIP_NON_DASD_IO) != 0) {
        return 1;
    }
    if ((Flags & XF_REG_SKIP_NON_CACHED_NON_PAGING_IO) != 0 && nonCachedNonPaging) {
        return 1;
    }
    return 0;
}

static void
XmFileSystem(
    XM_MACHINE *Machine,
    uint32_t Operation,
    uint32_t IrpFlags
    )
/*++

Routine Description:

    The file system below the filters. For an operation an application issued
    it touches its paged pool (FCBs, the cache manager's maps): pages of the
    "other" kind, written on a write. Its paging path touches nothing
    pageable, as a file system's must not.

--*/
{
    uint32_t i;

    if ((IrpFlags & XM_IRP_PAGING_IO) != 0) {
        return;
    }
    XmPushFrame(Machine, XmFnNtfsCommonRead);
    for (i = 0; i < XM_FS_PAGES_PER_OP; i++) {
        XmTouchPage(Machine, XM_CID_PAGES + XM_IMAGE_PAGES + XmRandomBelow(&Machine->Random, XM_OTHER_PAGES),
                    Operation == XF_OP_WRITE);
    }
    XmPopFrame(Machine);
}

void
XmFltDispatch(
    XM_MACHINE *Machine,
    uint32_t Operation,
    uint32_t IrpFlags,
    XM_PROCESS *Requestor
    )
/*++

Routine Description:

    An IRP for an ordinary file (neither the paging file nor the driver's
    image) reaching the filter manager.

--*/
{
    XmFltDispatchFile(Machine, Operation, IrpFlags, Requestor, XF_IO_TARGET_OTHER);
}

void
XmFltDispatchFile(
    XM_MACHINE *Machine,
    uint32_t Operation,
    uint32_t IrpFlags,
    XM_PROCESS *Requestor,
    uint32_t Target
    )
/*++

Routine Description:

    An IRP reaching the filter manager's device: IofCallDriver, FltpDispatch,
    the pre-callback worker, the filter's callback when its registration
    does not skip the operation, then the file system. Target is the file the
    IRP is for (XF_IO_TARGET_*), what the callback data's file object tells a
    real driver.

--*/
{
    XM_CALLBACK_DATA data;

    XmPushFrame(Machine, XmFnIofCallDriver);
    XmPushFrame(Machine, XmFnFltpDispatch);
    XmPushFrame(Machine, XmFnFltpPerformPreCallbacks);

    if (Machine->Filter.Filtering && !XmFltSkips(Machine->Filter.OperationFlags[Operation], IrpFlags, Operation)) {
        data.MajorFunction = Operation;
        data.IrpFlags = IrpFlags;
        data.Requestor = Requestor;
        data.Target = Target;
        Machine->Filter.InFlight++;
        XmDriverPreOperation(Machine, &data);
        Machine->Filter.InFlight--;
    }
    XmPopFrame(Machine);

    XmFileSystem(Machine, Operation, IrpFlags);
    XmPopFrame(Machine);
    XmPopFrame(Machine);
}
