/*++

Module Name:

    xf_init.c

Abstract:

    DriverEntry, registration with the filter manager and unload.

    Registration flags are fixed at FltRegisterFilter time, so the operation
    table is built at load from the configuration saved in the service key
    (Parameters\Config), the way Microsoft's simrep sample picks its table at
    load. set-config saves a new configuration; the controller then unloads
    and loads the filter to make new flags active.

Environment:

    Kernel mode.

--*/

#include "xf_driver.h"

XF_DRIVER_DATA XfData;

static NTSTATUS FLTAPI XfFilterUnload(_In_ FLT_FILTER_UNLOAD_FLAGS Flags);
static NTSTATUS FLTAPI XfInstanceSetup(_In_ PCFLT_RELATED_OBJECTS FltObjects, _In_ FLT_INSTANCE_SETUP_FLAGS Flags,
                                       _In_ DEVICE_TYPE VolumeDeviceType,
                                       _In_ FLT_FILESYSTEM_TYPE VolumeFilesystemType);
static NTSTATUS FLTAPI XfInstanceQueryTeardown(_In_ PCFLT_RELATED_OBJECTS FltObjects,
                                               _In_ FLT_INSTANCE_QUERY_TEARDOWN_FLAGS Flags);
static VOID XfTearDown(VOID);
static DRIVER_UNLOAD XfDriverUnload;

#ifdef ALLOC_PRAGMA
#pragma alloc_text(INIT, DriverEntry)
#pragma alloc_text(PAGE, XfFilterUnload)
#pragma alloc_text(PAGE, XfInstanceSetup)
#pragma alloc_text(PAGE, XfInstanceQueryTeardown)
#pragma alloc_text(PAGE, XfRegisterFilter)
#pragma alloc_text(PAGE, XfUnregisterFilter)
#pragma alloc_text(PAGE, XfTearDown)
#pragma alloc_text(PAGE, XfDriverUnload)
#endif

static const UCHAR XfMajorFunctions[XF_OP_COUNT] = {
    IRP_MJ_CREATE,      // XF_OP_CREATE
    IRP_MJ_READ,        // XF_OP_READ
    IRP_MJ_WRITE        // XF_OP_WRITE
};

NTSTATUS
DriverEntry(
    _In_ PDRIVER_OBJECT DriverObject,
    _In_ PUNICODE_STRING RegistryPath
    )
/*++

Routine Description:

    Reads the saved configuration, registers with the saved flags, creates
    the control device, starts filtering and registers the process-notify
    routine. Every failure undoes what came before it.

--*/
{
    NTSTATUS status;
    XF_CONFIG saved;
    BOOLEAN haveSaved = FALSE;
    ULONG loadCount = 0;

    RtlZeroMemory(&XfData, sizeof(XfData));
    XfData.DriverObject = DriverObject;
    XfResolvePoolApi();

    XfData.ServiceKey.Buffer = XfAllocateNonPaged(RegistryPath->Length + sizeof(WCHAR));
    if (XfData.ServiceKey.Buffer == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    XfData.ServiceKey.MaximumLength = RegistryPath->Length + sizeof(WCHAR);
    RtlCopyUnicodeString(&XfData.ServiceKey, RegistryPath);

    status = ExInitializeResourceLite(&XfData.Lock);
    if (!NT_SUCCESS(status)) {
        XfFree(XfData.ServiceKey.Buffer);
        return status;
    }
    XfData.LockInitialized = TRUE;

    //
    //  A missing or unreadable key is a fresh install: the field configuration.
    //
    if (!NT_SUCCESS(XfReadServiceKey(&saved, &haveSaved, &loadCount))) {
        haveSaved = FALSE;
        loadCount = 0;
    }
    loadCount++;
    (VOID)XfWriteLoadCount(loadCount);

#if defined(_MSC_VER) && !defined(__MINGW32__)
    XfCoreInitialize(&XfData.Core, haveSaved ? &saved : NULL, XF_BUILD_WDK, loadCount, &XfData);
#else
    XfCoreInitialize(&XfData.Core, haveSaved ? &saved : NULL, XF_BUILD_MINGW, loadCount, &XfData);
#endif

    //
    //  Set before FltRegisterFilter: the filter manager replaces it with its
    //  own unload (which calls XfFilterUnload); a host that does not keeps it.
    //
    DriverObject->DriverUnload = XfDriverUnload;

    status = XfRegisterFilter(XfData.Core.Config.OperationFlags);
    if (!NT_SUCCESS(status)) {
        XfTearDown();
        return status;
    }

    status = XfCreateControlDevice(DriverObject);
    if (!NT_SUCCESS(status)) {
        XfTearDown();
        return status;
    }

    status = FltStartFiltering(XfData.Filter);
    if (!NT_SUCCESS(status)) {
        XfTearDown();
        return status;
    }
    XfCoreSetStateFlags(&XfData.Core, XF_INFO_FILTERING_STARTED, 0);

    //
    //  Without the notify routine (an image not linked with /INTEGRITYCHECK is
    //  refused it) the cached mode counts misses and falls back to the
    //  requestor: the driver still loads, and info says which it is.
    //
    if (NT_SUCCESS(XfRegisterProcessNotify())) {
        XfCoreSetStateFlags(&XfData.Core, XF_INFO_PROCESS_NOTIFY, 0);
    }

    return STATUS_SUCCESS;
}

NTSTATUS
XfRegisterFilter(
    _In_reads_(XF_OP_COUNT) const XF_U32 OperationFlags[XF_OP_COUNT]
    )
/*++

Routine Description:

    Builds the operation table with the given flags and registers. The result
    is recorded in the core for IOCTL_XF_GET_INFO.

--*/
{
    NTSTATUS status;
    ULONG op;

    PAGED_CODE();

    RtlZeroMemory(XfData.Operations, sizeof(XfData.Operations));
    for (op = 0; op < XF_OP_COUNT; op++) {
        XfData.Operations[op].MajorFunction = XfMajorFunctions[op];
        XfData.Operations[op].Flags = OperationFlags[op];
        XfData.Operations[op].PreOperation = XfPreOperation;
    }
    XfData.Operations[XF_OP_COUNT].MajorFunction = IRP_MJ_OPERATION_END;

    RtlZeroMemory(&XfData.Registration, sizeof(XfData.Registration));
    XfData.Registration.Size = sizeof(FLT_REGISTRATION);
    XfData.Registration.Version = FLT_REGISTRATION_VERSION;
    XfData.Registration.OperationRegistration = XfData.Operations;
    XfData.Registration.FilterUnloadCallback = XfFilterUnload;
    XfData.Registration.InstanceSetupCallback = XfInstanceSetup;
    XfData.Registration.InstanceQueryTeardownCallback = XfInstanceQueryTeardown;

    status = FltRegisterFilter(XfData.DriverObject, &XfData.Registration, &XfData.Filter);
    XfCoreNoteRegistration(&XfData.Core, status, OperationFlags);
    if (!NT_SUCCESS(status)) {
        XfData.Filter = NULL;
    }
    return status;
}

VOID
XfUnregisterFilter(
    VOID
    )
{
    PAGED_CODE();

    if (XfData.Filter != NULL) {
        FltUnregisterFilter(XfData.Filter);
        XfData.Filter = NULL;
    }
    XfCoreSetStateFlags(&XfData.Core, 0, XF_INFO_FILTER_REGISTERED | XF_INFO_FILTERING_STARTED);
}

static VOID
XfTearDown(
    VOID
    )
/*++

Routine Description:

    The reverse of DriverEntry, for whatever of it was done: notify routine,
    control device and link, filter, lock, service-key copy. Refuses nothing.

--*/
{
    PAGED_CODE();

    if (XfData.TornDown) {
        return;
    }
    XfData.TornDown = TRUE;

    XfUnregisterProcessNotify();
    XfDeleteControlDevice();
    XfUnregisterFilter();
    if (XfData.LockInitialized) {
        ExDeleteResourceLite(&XfData.Lock);
        XfData.LockInitialized = FALSE;
    }
    if (XfData.ServiceKey.Buffer != NULL) {
        XfFree(XfData.ServiceKey.Buffer);
        XfData.ServiceKey.Buffer = NULL;
    }
}

static NTSTATUS FLTAPI
XfFilterUnload(
    _In_ FLT_FILTER_UNLOAD_FLAGS Flags
    )
/*++

Routine Description:

    fltmc unload / FilterUnload: always allowed, so the controller can reload
    the filter with new registration flags.

--*/
{
    UNREFERENCED_PARAMETER(Flags);
    PAGED_CODE();

    XfTearDown();
    return STATUS_SUCCESS;
}

static VOID
XfDriverUnload(
    _In_ PDRIVER_OBJECT DriverObject
    )
/*++

Routine Description:

    A legacy unload (sc stop) where the host did not route it through the
    filter manager.

--*/
{
    UNREFERENCED_PARAMETER(DriverObject);
    PAGED_CODE();

    XfTearDown();
}

static NTSTATUS FLTAPI
XfInstanceSetup(
    _In_ PCFLT_RELATED_OBJECTS FltObjects,
    _In_ FLT_INSTANCE_SETUP_FLAGS Flags,
    _In_ DEVICE_TYPE VolumeDeviceType,
    _In_ FLT_FILESYSTEM_TYPE VolumeFilesystemType
    )
/*++

Routine Description:

    Attaches to every volume: the re-entry can happen on any of them.

--*/
{
    UNREFERENCED_PARAMETER(FltObjects);
    UNREFERENCED_PARAMETER(Flags);
    UNREFERENCED_PARAMETER(VolumeDeviceType);
    UNREFERENCED_PARAMETER(VolumeFilesystemType);
    PAGED_CODE();

    return STATUS_SUCCESS;
}

static NTSTATUS FLTAPI
XfInstanceQueryTeardown(
    _In_ PCFLT_RELATED_OBJECTS FltObjects,
    _In_ FLT_INSTANCE_QUERY_TEARDOWN_FLAGS Flags
    )
{
    UNREFERENCED_PARAMETER(FltObjects);
    UNREFERENCED_PARAMETER(Flags);
    PAGED_CODE();

    return STATUS_SUCCESS;
}
