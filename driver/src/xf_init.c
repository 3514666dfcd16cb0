/*++

Module Name:

    xf_init.c

Abstract:

    DriverEntry, registration with the filter manager and unload.

    Registration flags are fixed at FltRegisterFilter time, so the operation
    table is built at load from the configuration saved in the registry, the
    way Microsoft's simrep sample picks its table at load. set-config saves a
    new configuration; the controller then unloads and loads the filter to
    make new flags active.

    A build with XF_FIXED_OPERATION_FLAGS defined registers a constant table
    with those flags instead, as most minifilters do: what the filter manager
    is handed is then data in the image, which `xidlab driver lint` reads
    (build-driver.sh's fixed/ variants). Such a build refuses other flags.

    Unload follows Microsoft's cdo sample, plus the drain it leaves out: a
    non-mandatory unload (fltmc unload) is refused while a handle is open on
    the control device; otherwise the core stops every new request and waits
    for those in flight, and only then is anything torn down. A handle that
    outlives a mandatory unload (sc stop) keeps the device object, and so this
    image, alive until it closes; its requests fail with STATUS_DELETE_PENDING
    without touching anything torn down.

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
static NTSTATUS XfFailLoad(_In_ NTSTATUS Status);
static VOID XfTearDown(VOID);
static DRIVER_UNLOAD XfDriverUnload;

#ifdef ALLOC_PRAGMA
#pragma alloc_text(INIT, DriverEntry)
#pragma alloc_text(INIT, XfFailLoad)
#pragma alloc_text(INIT, XfSystemRoutine)
#pragma alloc_text(PAGE, XfFilterUnload)
#pragma alloc_text(PAGE, XfInstanceSetup)
#pragma alloc_text(PAGE, XfInstanceQueryTeardown)
#pragma alloc_text(PAGE, XfRegisterFilter)
#pragma alloc_text(PAGE, XfUnregisterFilter)
#pragma alloc_text(PAGE, XfTearDown)
#pragma alloc_text(PAGE, XfDriverUnload)
#endif

#ifdef XF_FIXED_OPERATION_FLAGS
static const FLT_OPERATION_REGISTRATION XfFixedOperations[XF_OP_COUNT + 1] = {
    { IRP_MJ_CREATE, XF_FIXED_OPERATION_FLAGS, XfPreOperation, NULL, NULL },
    { IRP_MJ_READ, XF_FIXED_OPERATION_FLAGS, XfPreOperation, NULL, NULL },
    { IRP_MJ_WRITE, XF_FIXED_OPERATION_FLAGS, XfPreOperation, NULL, NULL },
    { IRP_MJ_OPERATION_END, 0, NULL, NULL, NULL }
};

static const FLT_REGISTRATION XfFixedRegistration = {
    .Size = sizeof(FLT_REGISTRATION),
    .Version = FLT_REGISTRATION_VERSION,
    .OperationRegistration = XfFixedOperations,
    .FilterUnloadCallback = XfFilterUnload,
    .InstanceSetupCallback = XfInstanceSetup,
    .InstanceQueryTeardownCallback = XfInstanceQueryTeardown,
};
#else
static const UCHAR XfMajorFunctions[XF_OP_COUNT] = {
    IRP_MJ_CREATE,      // XF_OP_CREATE
    IRP_MJ_READ,        // XF_OP_READ
    IRP_MJ_WRITE        // XF_OP_WRITE
};
#endif

XF_INIT
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

Arguments:

    DriverObject - The driver object the system created for xidfilter.

    RegistryPath - The service key.

Return Value:

    STATUS_SUCCESS, or the status of the step that failed.

--*/
{
    NTSTATUS status;
    XF_CONFIG saved;
    BOOLEAN haveSaved = FALSE;
    ULONG loadCount = 0;

    RtlZeroMemory(&XfData, sizeof(XfData));
    XfData.DriverObject = DriverObject;
    KeInitializeEvent(&XfData.Drained, NotificationEvent, FALSE);
    XfResolvePoolApi();
    XfResolvePagingFileCheck();

    //
    //  RegistryPath->Length is a USHORT, so the copy's size fits one unless the
    //  path is within a character of the UNICODE_STRING limit.
    //
    if (RegistryPath->Length > MAXUSHORT - sizeof(WCHAR)) {
        return STATUS_INVALID_PARAMETER;
    }
    XfData.ServiceKey.MaximumLength = (USHORT)(RegistryPath->Length + sizeof(WCHAR));
    XfData.ServiceKey.Buffer = XfAllocateNonPaged(XfData.ServiceKey.MaximumLength);
    if (XfData.ServiceKey.Buffer == NULL) {
        XfData.ServiceKey.MaximumLength = 0;
        return STATUS_INSUFFICIENT_RESOURCES;
    }
    RtlCopyUnicodeString(&XfData.ServiceKey, RegistryPath);

    status = ExInitializeResourceLite(&XfData.Lock);
    if (!NT_SUCCESS(status)) {
        return XfFailLoad(status);
    }
    XfData.LockInitialized = TRUE;

    //
    //  A missing or unreadable key is a fresh install: the field configuration.
    //
    XfResolveStateKey();
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
    XfData.CoreInitialized = TRUE;
    if (XfData.UsePersistentStateKey) {
        XfCoreSetStateFlags(&XfData.Core, XF_INFO_PERSISTENT_STATE_KEY, 0);
    }

    //
    //  Before filtering starts: nested paging reads of the image are told
    //  apart by its file's FsContext.
    //
    XfOpenImageIdentity();

    //
    //  Set before FltRegisterFilter: the filter manager replaces it with its
    //  own unload (which calls XfFilterUnload); a host that does not keeps it.
    //
    DriverObject->DriverUnload = XfDriverUnload;

#ifdef XF_FIXED_OPERATION_FLAGS
    //
    //  The image's table is what registers, whatever was saved: the core is
    //  told so, and info reports the flags that are active.
    //
    for (ULONG op = 0; op < XF_OP_COUNT; op++) {
        XfData.Core.Config.OperationFlags[op] = XF_FIXED_OPERATION_FLAGS;
    }
#endif

    status = XfRegisterFilter(XfData.Core.Config.OperationFlags);
    XfCoreNoteRegistration(&XfData.Core, status, XfData.Core.Config.OperationFlags);
    if (!NT_SUCCESS(status)) {
        return XfFailLoad(status);
    }

    status = XfCreateControlDevice(DriverObject);
    if (!NT_SUCCESS(status)) {
        return XfFailLoad(status);
    }

    status = FltStartFiltering(XfData.Filter);
    if (!NT_SUCCESS(status)) {
        return XfFailLoad(status);
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

XF_INIT
static NTSTATUS
XfFailLoad(
    _In_ NTSTATUS Status
    )
/*++

Routine Description:

    A failed DriverEntry: once the control device exists a handle may already
    be open on it, so the same drain as a mandatory unload runs before the
    tear-down.

Arguments:

    Status - Why the load failed.

Return Value:

    Status, for DriverEntry to return.

--*/
{
    if (XfData.CoreInitialized) {
        (VOID)XfCoreFilterUnload(&XfData.Core, TRUE);
    }
    XfTearDown();
    return Status;
}

XF_INIT
PVOID
XfSystemRoutine(
    _In_z_ PCWSTR Name
    )
/*++

Routine Description:

    Looks up a routine this kernel may or may not export, for the XfResolve*
    routines DriverEntry calls.

Arguments:

    Name - The routine's name.

Return Value:

    MmGetSystemRoutineAddress's answer: the routine, or NULL.

--*/
{
    UNICODE_STRING name;

    RtlInitUnicodeString(&name, Name);
    return MmGetSystemRoutineAddress(&name);
}

XF_PAGED
NTSTATUS
XfRegisterFilter(
    _In_reads_(XF_OP_COUNT) const XF_U32 OperationFlags[XF_OP_COUNT]
    )
/*++

Routine Description:

    Builds the operation table with the given flags and registers. The caller
    records the result in the core.

Arguments:

    OperationFlags - FLTFL_OPERATION_REGISTRATION_* per XF_OP_*.

Return Value:

    What FltRegisterFilter returned; XfData.Filter is NULL on failure.

--*/
{
    NTSTATUS status;
    ULONG op;

    PAGED_CODE();

#ifdef XF_FIXED_OPERATION_FLAGS
    for (op = 0; op < XF_OP_COUNT; op++) {
        if (OperationFlags[op] != XF_FIXED_OPERATION_FLAGS) {
            return STATUS_NOT_SUPPORTED;    // the flags are the image's: a reload cannot change them
        }
    }
    status = FltRegisterFilter(XfData.DriverObject, &XfFixedRegistration, &XfData.Filter);
#else
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
#endif
    if (!NT_SUCCESS(status)) {
        XfData.Filter = NULL;
    }
    return status;
}

XF_PAGED
VOID
XfUnregisterFilter(
    VOID
    )
/*++

Routine Description:

    FltUnregisterFilter, which waits for callbacks in flight, if a filter is
    registered.

Arguments:

    None.

Return Value:

    None.

--*/
{
    PAGED_CODE();

    if (XfData.Filter != NULL) {
        FltUnregisterFilter(XfData.Filter);
        XfData.Filter = NULL;
    }
}

XF_PAGED
static VOID
XfTearDown(
    VOID
    )
/*++

Routine Description:

    The reverse of DriverEntry, for whatever of it was done, once the core
    has run the control device down: notify routine, filter (no callback
    runs after FltUnregisterFilter returns), control device and link, the
    image's file object, lock, service-key copy. Refuses nothing.

Arguments:

    None.

Return Value:

    None.

--*/
{
    PAGED_CODE();

    if (XfData.TornDown) {
        return;
    }
    XfData.TornDown = TRUE;

    XfUnregisterProcessNotify();
    XfUnregisterFilter();
    XfCoreSetStateFlags(&XfData.Core, 0, XF_INFO_FILTER_REGISTERED | XF_INFO_FILTERING_STARTED);
    XfDeleteControlDevice();
    XfReleaseImageIdentity();
    if (XfData.LockInitialized) {
        ExDeleteResourceLite(&XfData.Lock);
        XfData.LockInitialized = FALSE;
    }
    if (XfData.ServiceKey.Buffer != NULL) {
        XfFree(XfData.ServiceKey.Buffer);
        XfData.ServiceKey.Buffer = NULL;
    }
    XfData.ServiceKey.Length = 0;
    XfData.ServiceKey.MaximumLength = 0;
}

XF_PAGED
static NTSTATUS FLTAPI
XfFilterUnload(
    _In_ FLT_FILTER_UNLOAD_FLAGS Flags
    )
/*++

Routine Description:

    The filter manager's unload: fltmc unload / FilterUnload (non-mandatory),
    sc stop (mandatory).

Arguments:

    Flags - FLTFL_FILTER_UNLOAD_MANDATORY or 0.

Return Value:

    STATUS_SUCCESS, or STATUS_FLT_DO_NOT_DETACH for a non-mandatory unload
    while a handle is open on the control device.

--*/
{
    NTSTATUS status;

    PAGED_CODE();

    status = XfCoreFilterUnload(&XfData.Core, FlagOn(Flags, FLTFL_FILTER_UNLOAD_MANDATORY) != 0);
    if (!NT_SUCCESS(status)) {
        return status;
    }
    XfTearDown();
    return STATUS_SUCCESS;
}

XF_PAGED
static VOID
XfDriverUnload(
    _In_ PDRIVER_OBJECT DriverObject
    )
/*++

Routine Description:

    A legacy unload (sc stop) where the host did not route it through the
    filter manager, as under Wine. It cannot be refused: mandatory.

Arguments:

    DriverObject - Our driver object.

Return Value:

    None.

--*/
{
    UNREFERENCED_PARAMETER(DriverObject);
    PAGED_CODE();

    if (XfData.TornDown) {
        return;
    }
    (VOID)XfCoreFilterUnload(&XfData.Core, TRUE);
    XfTearDown();
}

XF_PAGED
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

Arguments:

    FltObjects - The filter, instance and volume.

    Flags - Why the instance is being set up.

    VolumeDeviceType - The volume's device type.

    VolumeFilesystemType - Its file system.

Return Value:

    STATUS_SUCCESS: attach.

--*/
{
    UNREFERENCED_PARAMETER(FltObjects);
    UNREFERENCED_PARAMETER(Flags);
    UNREFERENCED_PARAMETER(VolumeDeviceType);
    UNREFERENCED_PARAMETER(VolumeFilesystemType);
    PAGED_CODE();

    return STATUS_SUCCESS;
}

XF_PAGED
static NTSTATUS FLTAPI
XfInstanceQueryTeardown(
    _In_ PCFLT_RELATED_OBJECTS FltObjects,
    _In_ FLT_INSTANCE_QUERY_TEARDOWN_FLAGS Flags
    )
/*++

Routine Description:

    Allows a manual detach (fltmc detach).

Arguments:

    FltObjects - The filter, instance and volume.

    Flags - Why the instance is being torn down.

Return Value:

    STATUS_SUCCESS: detach.

--*/
{
    UNREFERENCED_PARAMETER(FltObjects);
    UNREFERENCED_PARAMETER(Flags);
    PAGED_CODE();

    return STATUS_SUCCESS;
}
