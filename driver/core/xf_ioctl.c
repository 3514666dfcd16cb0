/*++

Module Name:

    xf_ioctl.c

Abstract:

    The IOCTL handling of the wire contract in xidfilter_ioctl.h: buffer
    checks, info, configuration (with live re-registration), statistics and
    the Xid query.

Environment:

    Kernel mode or the user-mode kernel model.

--*/

#include "xf_core_internal.h"

static XF_NTSTATUS XfIoctlGetInfo(XF_CORE *Core, const XF_IOCTL_CALL *Call, XF_U32 *Information);
static XF_NTSTATUS XfIoctlGetConfig(XF_CORE *Core, const XF_IOCTL_CALL *Call, XF_U32 *Information);
static XF_NTSTATUS XfIoctlSetConfig(XF_CORE *Core, const XF_IOCTL_CALL *Call, XF_U32 *Information);
static XF_NTSTATUS XfIoctlQueryXid(XF_CORE *Core, const XF_IOCTL_CALL *Call, XF_U32 *Information);
static XF_NTSTATUS XfReregister(XF_CORE *Core, const XF_U32 OperationFlags[XF_OP_COUNT]);

#if defined(XF_KERNEL) && defined(ALLOC_PRAGMA)
#pragma alloc_text(PAGE, XfIoctlGetInfo)
#pragma alloc_text(PAGE, XfIoctlGetConfig)
#pragma alloc_text(PAGE, XfReregister)
#pragma alloc_text(PAGE, XfIoctlSetConfig)
#pragma alloc_text(PAGE, XfIoctlQueryXid)
#pragma alloc_text(PAGE, XfCoreDeviceControl)
#endif

static XF_NTSTATUS
XfCheckBuffers(
    _In_ const XF_IOCTL_CALL *Call,
    _In_ XF_U32 InputSize,
    _In_ XF_U32 OutputSize
    )
/*++

Routine Description:

    Input must be exactly the request's size (short: too small, long:
    invalid); output must hold the response.

Arguments:

    Call - The request.

    InputSize - The input the code takes.

    OutputSize - The output it writes.

Return Value:

    XF_STATUS_SUCCESS, XF_STATUS_BUFFER_TOO_SMALL or
    XF_STATUS_INVALID_PARAMETER.

--*/
{
    if (Call->InputLength < InputSize) {
        return XF_STATUS_BUFFER_TOO_SMALL;
    }
    if (Call->InputLength > InputSize) {
        return XF_STATUS_INVALID_PARAMETER;
    }
    if (InputSize != 0 && Call->InputBuffer == NULL) {
        return XF_STATUS_INVALID_PARAMETER;
    }
    if (Call->OutputLength < OutputSize) {
        return XF_STATUS_BUFFER_TOO_SMALL;
    }
    if (OutputSize != 0 && Call->OutputBuffer == NULL) {
        return XF_STATUS_INVALID_PARAMETER;
    }
    return XF_STATUS_SUCCESS;
}

static int
XfFlagsDiffer(
    _In_reads_(XF_OP_COUNT) const XF_U32 A[XF_OP_COUNT],
    _In_reads_(XF_OP_COUNT) const XF_U32 B[XF_OP_COUNT]
    )
/*++

Routine Description:

    Compares two sets of per-operation registration flags.

Arguments:

    A, B - The sets.

Return Value:

    Non-zero when they differ.

--*/
{
    XF_U32 op;

    for (op = 0; op < XF_OP_COUNT; op++) {
        if (A[op] != B[op]) {
            return 1;
        }
    }
    return 0;
}

static XF_NTSTATUS
XfCompleteWith(
    _In_ const XF_IOCTL_CALL *Call,
    _In_reads_bytes_(Length) const void *Source,
    _In_ XF_U32 Length,
    _Out_ XF_U32 *Information
    )
/*++

Routine Description:

    Completes a request with its answer: copies it to the output buffer,
    which XfCheckBuffers made sure holds it.

Arguments:

    Call - The request.

    Source - The answer.

    Length - Its size in bytes.

    Information - Receives Length.

Return Value:

    XF_STATUS_SUCCESS.

--*/
{
    XfCopyBytes(Call->OutputBuffer, Source, Length);
    *Information = Length;
    return XF_STATUS_SUCCESS;
}

XF_PAGED
static XF_NTSTATUS
XfIoctlGetInfo(
    _In_ XF_CORE *Core,
    _In_ const XF_IOCTL_CALL *Call,
    _Out_ XF_U32 *Information
    )
/*++

Routine Description:

    IOCTL_XF_GET_INFO: the versions, the state flags (reload pending when
    the saved registration flags differ from the active ones) and both sets
    of flags, read under the lock.

Arguments:

    Core - The core.

    Call - The request; XfCheckBuffers made sure an XF_INFO fits.

    Information - Receives sizeof(XF_INFO).

Return Value:

    XF_STATUS_SUCCESS, always.

--*/
{
    XF_INFO info;
    XF_U32 op;

    XF_PAGED_CODE();

    XfZeroBytes(&info, sizeof(info));
    info.Size = sizeof(info);
    info.Version = XF_STRUCT_VERSION;
    info.ProtocolVersion = XF_PROTOCOL_VERSION;
    info.DriverVersion = XF_DRIVER_VERSION;
    info.BuildFlavor = Core->BuildFlavor;

    XfPlatLock(Core);
    info.StateFlags = Core->StateFlags & ~XF_INFO_RELOAD_PENDING;
    if (XfFlagsDiffer(Core->Config.OperationFlags, Core->ActiveOperationFlags)) {
        info.StateFlags |= XF_INFO_RELOAD_PENDING;
    }
    for (op = 0; op < XF_OP_COUNT; op++) {
        info.ActiveOperationFlags[op] = Core->ActiveOperationFlags[op];
        info.SavedOperationFlags[op] = Core->Config.OperationFlags[op];
    }
    info.LoadCount = Core->LoadCount;
    info.RegisterStatus = (XF_U32)Core->RegisterStatus;
    XfPlatUnlock(Core);

    return XfCompleteWith(Call, &info, sizeof(info), Information);
}

XF_PAGED
static XF_NTSTATUS
XfIoctlGetConfig(
    _In_ XF_CORE *Core,
    _In_ const XF_IOCTL_CALL *Call,
    _Out_ XF_U32 *Information
    )
/*++

Routine Description:

    IOCTL_XF_GET_CONFIG: the saved configuration, copied under the lock.

Arguments:

    Core - The core.

    Call - The request, its output buffer checked to hold an XF_CONFIG.

    Information - Receives sizeof(XF_CONFIG).

Return Value:

    XF_STATUS_SUCCESS, always.

--*/
{
    XF_CONFIG config;

    XF_PAGED_CODE();

    XfPlatLock(Core);
    XfCopyBytes(&config, &Core->Config, sizeof(config));
    XfPlatUnlock(Core);

    return XfCompleteWith(Call, &config, sizeof(config), Information);
}

XF_PAGED
static XF_NTSTATUS
XfReregister(
    _Inout_ XF_CORE *Core,
    _In_reads_(XF_OP_COUNT) const XF_U32 OperationFlags[XF_OP_COUNT]
    )
/*++

Routine Description:

    One live re-registration through the platform, recorded as a load's
    registration is. Called under XfPlatLock.

Arguments:

    Core - The core.

    OperationFlags - The flags to register with.

Return Value:

    What the platform answered: success means registered and filtering.

--*/
{
    XF_NTSTATUS status;

    XF_PAGED_CODE();

    status = XfPlatReregister(Core, OperationFlags);
    XfCoreNoteRegistration(Core, status, OperationFlags);
    if (XF_NT_SUCCESS(status)) {
        XfCoreSetStateFlags(Core, XF_INFO_FILTERING_STARTED, 0);
    }
    return status;
}

XF_PAGED
static XF_NTSTATUS
XfIoctlSetConfig(
    _Inout_ XF_CORE *Core,
    _In_ const XF_IOCTL_CALL *Call,
    _Out_ XF_U32 *Information
    )
/*++

Routine Description:

    IOCTL_XF_SET_CONFIG. Validates the whole request, saves it, then applies
    Xid mode, guard and self-test in one store. Registration flags wait for
    the next load unless the caller asked for the experimental live
    re-registration; when that fails, the previous flags are registered again
    so the filter is not left loaded with no registration (which fltmc unload
    could not find), and both statuses are reported. A failed save changes
    nothing.

Arguments:

    Core - The core.

    Call - The request (buffers checked).

    Information - Receives the bytes written.

Return Value:

    XF_STATUS_SUCCESS, XF_STATUS_INVALID_PARAMETER, XF_STATUS_DELETE_PENDING
    (the filter is unloading), or the status of a failed save.

--*/
{
    XF_SET_CONFIG_REQUEST request;
    XF_SET_CONFIG_RESPONSE response;
    XF_U32 previous[XF_OP_COUNT];
    XF_NTSTATUS status;
    XF_U32 op;

    XF_PAGED_CODE();

    XfCopyBytes(&request, Call->InputBuffer, sizeof(request));

    if (request.Size != sizeof(request) || request.Version != XF_STRUCT_VERSION ||
        request.Apply > XF_APPLY_LIVE_REREGISTER || request.Reserved != 0) {
        return XF_STATUS_INVALID_PARAMETER;
    }
    status = XfCoreValidateConfig(&request.Config);
    if (!XF_NT_SUCCESS(status)) {
        return status;
    }

    XfZeroBytes(&response, sizeof(response));
    response.Size = sizeof(response);
    response.Version = XF_STRUCT_VERSION;

    XfPlatLock(Core);

    if (XfLoad32(&Core->Unloading)) {
        XfPlatUnlock(Core);
        return XF_STATUS_DELETE_PENDING;
    }

    status = XfPlatSaveConfig(Core, &request.Config);
    if (!XF_NT_SUCCESS(status)) {
        XfPlatUnlock(Core);
        return status;
    }
    response.SaveStatus = status;
    response.ResultFlags |= XF_SETCFG_SAVED;

    XfCopyBytes(&Core->Config, &request.Config, sizeof(XF_CONFIG));
    XfStoreRelease64(&Core->LiveSettings, XfLivePackConfig(&Core->Config));

    if (request.Apply == XF_APPLY_LIVE_REREGISTER) {
        for (op = 0; op < XF_OP_COUNT; op++) {
            previous[op] = Core->ActiveOperationFlags[op];
        }
        response.ReregisterStatus = XfReregister(Core, request.Config.OperationFlags);
        if (XF_NT_SUCCESS(response.ReregisterStatus)) {
            XfAtomicInc64(&Core->Counters.Reregistrations);
            response.ResultFlags |= XF_SETCFG_REREGISTERED;
        } else {
            response.RestoreStatus = XfReregister(Core, previous);
            if (XF_NT_SUCCESS(response.RestoreStatus)) {
                response.ResultFlags |= XF_SETCFG_RESTORED;
            }
        }
    }
    if (XfFlagsDiffer(Core->Config.OperationFlags, Core->ActiveOperationFlags)) {
        response.ResultFlags |= XF_SETCFG_RELOAD_REQUIRED;
    }

    XfPlatUnlock(Core);

    return XfCompleteWith(Call, &response, sizeof(response), Information);
}

void
XfCoreReadStats(
    _In_ const XF_CORE *Core,
    _Out_ XF_STATS *Stats
    )
/*++

Routine Description:

    Reads the telemetry without a lock (each counter is one atomic load).

Arguments:

    Core - The core.

    Stats - Receives the counters.

Return Value:

    None.

--*/
{
    const XF_COUNTERS *c = &Core->Counters;

    XfZeroBytes(Stats, sizeof(*Stats));
    Stats->Size = sizeof(*Stats);
    Stats->Version = XF_STRUCT_VERSION;
    Stats->Callbacks = XfLoad64(&c->Callbacks);
    Stats->PagingIoCallbacks = XfLoad64(&c->PagingIoCallbacks);
    Stats->Lookups = XfLoad64(&c->Lookups);
    Stats->LookupFailures = XfLoad64(&c->LookupFailures);
    Stats->CacheHits = XfLoad64(&c->CacheHits);
    Stats->CacheMisses = XfLoad64(&c->CacheMisses);
    Stats->GuardSkips = XfLoad64(&c->GuardSkips);
    Stats->SelfTestTouches = XfLoad64(&c->SelfTestTouches);
    Stats->Reregistrations = XfLoad64(&c->Reregistrations);
    Stats->MaxNestingDepth = XfLoad32(&c->MaxNestingDepth);
    Stats->MinRemainingStack = XfLoad32(&c->MinRemainingStack);
    Stats->Loads = Core->LoadCount;
    Stats->NestedPagingFileIo = XfLoad64(&c->NestedIo[XF_IO_TARGET_PAGING_FILE]);
    Stats->NestedImageIo = XfLoad64(&c->NestedIo[XF_IO_TARGET_IMAGE]);
    Stats->NestedOtherIo = XfLoad64(&c->NestedIo[XF_IO_TARGET_OTHER]);
    Stats->NestingOverflows = XfLoad64(&Core->NestingOverflows);
    Stats->SelfTestDepthLimited = XfLoad64(&c->SelfTestDepthLimited);
    Stats->CacheEntries = XfLoad64(&Core->CacheEntries);
    Stats->CacheDrops = XfLoad64(&c->CacheDrops);
    Stats->CreateCallbacks = XfLoad64(&c->Kinds[XF_KIND_CREATE]);
    Stats->CachedReadCallbacks = XfLoad64(&c->Kinds[XF_KIND_CACHED_READ]);
    Stats->NonCachedReadCallbacks = XfLoad64(&c->Kinds[XF_KIND_NON_CACHED_READ]);
    Stats->CachedWriteCallbacks = XfLoad64(&c->Kinds[XF_KIND_CACHED_WRITE]);
    Stats->NonCachedWriteCallbacks = XfLoad64(&c->Kinds[XF_KIND_NON_CACHED_WRITE]);
}

XF_PAGED
static XF_NTSTATUS
XfIoctlQueryXid(
    _In_ XF_CORE *Core,
    _In_ const XF_IOCTL_CALL *Call,
    _Out_ XF_U32 *Information
    )
/*++

Routine Description:

    IOCTL_XF_QUERY_XID: the Xid of a process with a chosen mode. ProcessId 0
    means the caller. The requestor mode has no callback data here: the
    IOCTL's own requestor stands in, so it answers only for the calling
    process.

Arguments:

    Core - The core.

    Call - The request (buffers checked).

    Information - Receives the bytes written.

Return Value:

    XF_STATUS_SUCCESS (a failed computation is in the response's Status), or
    XF_STATUS_INVALID_PARAMETER.

--*/
{
    XF_QUERY_XID_REQUEST request;
    XF_QUERY_XID_RESPONSE response;
    XF_U64 xid = 0, createTime = 0;
    XF_NTSTATUS result;

    XF_PAGED_CODE();

    XfCopyBytes(&request, Call->InputBuffer, sizeof(request));

    if (request.Size != sizeof(request) || request.Version != XF_STRUCT_VERSION || request.Reserved != 0) {
        return XF_STATUS_INVALID_PARAMETER;
    }
    if (request.Mode == XF_XID_MODE_CURRENT) {
        request.Mode = XF_LIVE_MODE(XfLoadAcquire64(&Core->LiveSettings));
    } else if (request.Mode >= XF_XID_MODE_COUNT) {
        return XF_STATUS_INVALID_PARAMETER;
    }
    if (request.ProcessId == 0) {
        request.ProcessId = Call->CallerProcessId;
    }

    switch (request.Mode) {

    case XF_XID_MODE_LOOKUP:
        result = XfXidByLookup(Core, request.ProcessId, &xid, &createTime);
        break;

    case XF_XID_MODE_REQUESTOR:
        if (Call->CallerProcess == NULL || request.ProcessId != Call->CallerProcessId) {
            result = XF_STATUS_INVALID_CID;
        } else {
            xid = XfXidOfProcess(Core, Call->CallerProcess, &createTime);
            result = XF_STATUS_SUCCESS;
        }
        break;

    case XF_XID_MODE_CACHED:
        result = XfCacheFind(Core, request.ProcessId, &xid, &createTime) ? XF_STATUS_SUCCESS : XF_STATUS_NOT_FOUND;
        break;

    default:
        result = XF_STATUS_NOT_SUPPORTED;
        break;
    }

    XfZeroBytes(&response, sizeof(response));
    response.Size = sizeof(response);
    response.Version = XF_STRUCT_VERSION;
    response.ProcessId = request.ProcessId;
    response.Mode = request.Mode;
    response.Status = result;
    if (XF_NT_SUCCESS(result)) {
        response.Xid = xid;
        response.CreateTime = createTime;
    }

    return XfCompleteWith(Call, &response, sizeof(response), Information);
}

static XF_NTSTATUS
XfDispatchIoctl(
    _Inout_ XF_CORE *Core,
    _In_ const XF_IOCTL_CALL *Call,
    _Out_ XF_U32 *Information
    )
/*++

Routine Description:

    Checks the buffers of one request and hands it to its handler.

Arguments:

    Core - The core.

    Call - The request.

    Information - Receives the bytes written.

Return Value:

    The handler's status, or the buffer check's.

--*/
{
    XF_STATS stats;
    XF_NTSTATUS status;

    switch (Call->IoControlCode) {

    case IOCTL_XF_GET_INFO:
        status = XfCheckBuffers(Call, 0, sizeof(XF_INFO));
        return XF_NT_SUCCESS(status) ? XfIoctlGetInfo(Core, Call, Information) : status;

    case IOCTL_XF_GET_CONFIG:
        status = XfCheckBuffers(Call, 0, sizeof(XF_CONFIG));
        return XF_NT_SUCCESS(status) ? XfIoctlGetConfig(Core, Call, Information) : status;

    case IOCTL_XF_SET_CONFIG:
        status = XfCheckBuffers(Call, sizeof(XF_SET_CONFIG_REQUEST), sizeof(XF_SET_CONFIG_RESPONSE));
        return XF_NT_SUCCESS(status) ? XfIoctlSetConfig(Core, Call, Information) : status;

    case IOCTL_XF_GET_STATS:
        status = XfCheckBuffers(Call, 0, sizeof(XF_STATS));
        if (XF_NT_SUCCESS(status)) {
            XfCoreReadStats(Core, &stats);
            XfCopyBytes(Call->OutputBuffer, &stats, sizeof(stats));
            *Information = sizeof(stats);
        }
        return status;

    case IOCTL_XF_RESET_STATS:
        status = XfCheckBuffers(Call, 0, 0);
        if (XF_NT_SUCCESS(status)) {
            XfResetCounters(Core);
        }
        return status;

    case IOCTL_XF_QUERY_XID:
        status = XfCheckBuffers(Call, sizeof(XF_QUERY_XID_REQUEST), sizeof(XF_QUERY_XID_RESPONSE));
        return XF_NT_SUCCESS(status) ? XfIoctlQueryXid(Core, Call, Information) : status;

    default:
        return XF_STATUS_INVALID_DEVICE_REQUEST;
    }
}

XF_PAGED
XF_NTSTATUS
XfCoreDeviceControl(
    _Inout_ XF_CORE *Core,
    _In_ const XF_IOCTL_CALL *Call,
    _Out_ XF_U32 *Information
    )
/*++

Routine Description:

    Serves one IOCTL_XF_* request under run-down protection, so an unload
    waits for it before tearing anything down. Every check happens before
    any state changes; a failed request leaves the driver as it was.

Arguments:

    Core - The core.

    Call - The request.

    Information - Receives the bytes written (0 on failure).

Return Value:

    XF_STATUS_SUCCESS, or the NTSTATUS the wire contract names for the
    failure (short buffer, bad size/version/value, unknown code), or
    XF_STATUS_DELETE_PENDING once the filter is unloading.

--*/
{
    XF_NTSTATUS status;

    XF_PAGED_CODE();

    *Information = 0;
    if (!XfRundownAcquire(Core)) {
        return XF_STATUS_DELETE_PENDING;
    }
    status = XfLoad32(&Core->Unloading) ? XF_STATUS_DELETE_PENDING : XfDispatchIoctl(Core, Call, Information);
    if (!XF_NT_SUCCESS(status)) {
        *Information = 0;
    }
    XfRundownRelease(Core);
    return status;
}
