/*++

Module Name:

    xf_control.c

Abstract:

    The control device \Device\XidFilter (user mode opens \\.\XidFilter) and its
    IRP_MJ_CREATE/CLEANUP/CLOSE/DEVICE_CONTROL. Requests arrive as IRPs only:
    the fast-I/O device-control routine is left unset. Create and close count
    the handles in the core, which refuses a non-mandatory unload while one
    is open; every request runs under the core's run-down protection.

    Only SYSTEM and Administrators may open it. IoCreateDeviceSecure lives in
    the static wdmsec.lib (not an ntoskrnl export), so the device is created
    with FILE_DEVICE_SECURE_OPEN and its DACL is set right after, before the
    symbolic link makes it reachable.

Environment:

    Kernel mode, PASSIVE_LEVEL.

--*/

#include "xf_driver.h"

static DRIVER_DISPATCH XfDispatchCreate;
static DRIVER_DISPATCH XfDispatchCleanup;
static DRIVER_DISPATCH XfDispatchClose;
static DRIVER_DISPATCH XfDispatchDeviceControl;
static NTSTATUS XfRestrictToAdministrators(_In_ PDEVICE_OBJECT Device);
static NTSTATUS XfCompleteRequest(_Inout_ PIRP Irp, _In_ NTSTATUS Status, _In_ ULONG_PTR Information);

#ifdef ALLOC_PRAGMA
#pragma alloc_text(INIT, XfCreateControlDevice)
#pragma alloc_text(INIT, XfRestrictToAdministrators)
#pragma alloc_text(PAGE, XfDeleteControlDevice)
#pragma alloc_text(PAGE, XfDispatchCreate)
#pragma alloc_text(PAGE, XfDispatchCleanup)
#pragma alloc_text(PAGE, XfDispatchClose)
#pragma alloc_text(PAGE, XfDispatchDeviceControl)
#pragma alloc_text(PAGE, XfCompleteRequest)
#endif

//
//  S-1-5-18 (LocalSystem) and S-1-5-32-544 (BUILTIN\Administrators), spelled
//  out so no data export of ntoskrnl (SeExports) is needed.
//
static const ULONG XfSystemSid[] = { 0x00000101, 0x05000000, 18 };
static const ULONG XfAdministratorsSid[] = { 0x00000201, 0x05000000, 32, 544 };

XF_INIT
NTSTATUS
XfCreateControlDevice(
    _In_ PDRIVER_OBJECT DriverObject
    )
/*++

Routine Description:

    Creates \Device\XidFilter (admin-only DACL set before the symbolic link
    makes it reachable), its dispatch routines and \??\XidFilter.

Arguments:

    DriverObject - Our driver object.

Return Value:

    STATUS_SUCCESS, or the status of the step that failed (nothing is left
    behind then).

--*/
{
    UNICODE_STRING name = RTL_CONSTANT_STRING(XF_DEVICE_NAME_W);
    UNICODE_STRING link = RTL_CONSTANT_STRING(XF_DOS_DEVICE_NAME_W);
    NTSTATUS status;

    PAGED_CODE();

    status = IoCreateDevice(DriverObject, 0, &name, FILE_DEVICE_UNKNOWN, FILE_DEVICE_SECURE_OPEN, FALSE,
                            &XfData.ControlDevice);
    if (!NT_SUCCESS(status)) {
        XfData.ControlDevice = NULL;
        return status;
    }

    status = XfRestrictToAdministrators(XfData.ControlDevice);
    if (!NT_SUCCESS(status)) {
        XfDeleteControlDevice();
        return status;
    }

    DriverObject->MajorFunction[IRP_MJ_CREATE] = XfDispatchCreate;
    DriverObject->MajorFunction[IRP_MJ_CLEANUP] = XfDispatchCleanup;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = XfDispatchClose;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = XfDispatchDeviceControl;

    status = IoCreateSymbolicLink(&link, &name);
    if (!NT_SUCCESS(status)) {
        XfDeleteControlDevice();
        return status;
    }
    XfData.SymbolicLinkCreated = TRUE;

    XfData.ControlDevice->Flags &= ~(ULONG)DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

XF_PAGED
VOID
XfDeleteControlDevice(
    VOID
    )
/*++

Routine Description:

    Removes the symbolic link and deletes the device. A handle still open on
    it keeps the device object (and this image) until it closes.

Arguments:

    None.

Return Value:

    None.

--*/
{
    UNICODE_STRING link = RTL_CONSTANT_STRING(XF_DOS_DEVICE_NAME_W);

    PAGED_CODE();

    if (XfData.SymbolicLinkCreated) {
        (VOID)IoDeleteSymbolicLink(&link);
        XfData.SymbolicLinkCreated = FALSE;
    }
    if (XfData.ControlDevice != NULL) {
        IoDeleteDevice(XfData.ControlDevice);
        XfData.ControlDevice = NULL;
    }
}

XF_INIT
static NTSTATUS
XfRestrictToAdministrators(
    _In_ PDEVICE_OBJECT Device
    )
/*++

Routine Description:

    Sets a DACL granting GENERIC_ALL to SYSTEM and Administrators only.

Arguments:

    Device - The control device, not yet reachable by name.

Return Value:

    STATUS_SUCCESS, or the status of the Rtl/Zw call that failed.

--*/
{
    SECURITY_DESCRIPTOR descriptor;
    ULONG aclLength;
    PACL acl;
    HANDLE handle;
    NTSTATUS status;

    PAGED_CODE();

    aclLength = sizeof(ACL) + 2 * FIELD_OFFSET(ACCESS_ALLOWED_ACE, SidStart) + sizeof(XfSystemSid)
              + sizeof(XfAdministratorsSid);
    acl = XfAllocateNonPaged(aclLength);
    if (acl == NULL) {
        return STATUS_INSUFFICIENT_RESOURCES;
    }

    status = RtlCreateAcl(acl, aclLength, ACL_REVISION);
    if (NT_SUCCESS(status)) {
        status = RtlAddAccessAllowedAce(acl, ACL_REVISION, GENERIC_ALL, (PSID)XfSystemSid);
    }
    if (NT_SUCCESS(status)) {
        status = RtlAddAccessAllowedAce(acl, ACL_REVISION, GENERIC_ALL, (PSID)XfAdministratorsSid);
    }
    if (NT_SUCCESS(status)) {
        status = RtlCreateSecurityDescriptor(&descriptor, SECURITY_DESCRIPTOR_REVISION);
    }
    if (NT_SUCCESS(status)) {
        status = RtlSetDaclSecurityDescriptor(&descriptor, TRUE, acl, FALSE);
    }
    if (NT_SUCCESS(status)) {
        status = ObOpenObjectByPointer(Device, OBJ_KERNEL_HANDLE, NULL, WRITE_DAC, NULL, KernelMode, &handle);
        if (NT_SUCCESS(status)) {
            status = ZwSetSecurityObject(handle, DACL_SECURITY_INFORMATION, &descriptor);
            ZwClose(handle);
        }
    }

    XfFree(acl);
    return status;
}

XF_PAGED
static NTSTATUS
XfCompleteRequest(
    _Inout_ PIRP Irp,
    _In_ NTSTATUS Status,
    _In_ ULONG_PTR Information
    )
/*++

Routine Description:

    Completes a request on the control device.

Arguments:

    Irp - The request.

    Status - Its final status.

    Information - Its IoStatus.Information (forced to 0 on failure).

Return Value:

    Status.

--*/
{
    PAGED_CODE();

    Irp->IoStatus.Status = Status;
    Irp->IoStatus.Information = NT_SUCCESS(Status) ? Information : 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return Status;
}

XF_PAGED
static NTSTATUS
XfDispatchCreate(
    _In_ PDEVICE_OBJECT DeviceObject,
    _Inout_ PIRP Irp
    )
/*++

Routine Description:

    IRP_MJ_CREATE: a handle opens, counted by the core. If the create
    succeeds the I/O manager guarantees an IRP_MJ_CLOSE for it.

Arguments:

    DeviceObject - The control device.

    Irp - The create.

Return Value:

    STATUS_SUCCESS, or STATUS_DELETE_PENDING once the filter is unloading.

--*/
{
    UNREFERENCED_PARAMETER(DeviceObject);
    PAGED_CODE();

    return XfCompleteRequest(Irp, XfCoreControlCreate(&XfData.Core), FILE_OPENED);
}

XF_PAGED
static NTSTATUS
XfDispatchCleanup(
    _In_ PDEVICE_OBJECT DeviceObject,
    _Inout_ PIRP Irp
    )
/*++

Routine Description:

    IRP_MJ_CLEANUP: the last handle to a file object closed. Nothing is kept
    per handle; the count drops at IRP_MJ_CLOSE, when no request can use the
    file object any more.

Arguments:

    DeviceObject - The control device.

    Irp - The cleanup.

Return Value:

    STATUS_SUCCESS.

--*/
{
    UNREFERENCED_PARAMETER(DeviceObject);
    PAGED_CODE();

    return XfCompleteRequest(Irp, STATUS_SUCCESS, 0);
}

XF_PAGED
static NTSTATUS
XfDispatchClose(
    _In_ PDEVICE_OBJECT DeviceObject,
    _Inout_ PIRP Irp
    )
/*++

Routine Description:

    IRP_MJ_CLOSE: the file object's last reference went away. Cannot fail.

Arguments:

    DeviceObject - The control device.

    Irp - The close.

Return Value:

    STATUS_SUCCESS.

--*/
{
    UNREFERENCED_PARAMETER(DeviceObject);
    PAGED_CODE();

    XfCoreControlClose(&XfData.Core);
    return XfCompleteRequest(Irp, STATUS_SUCCESS, 0);
}

XF_PAGED
static NTSTATUS
XfDispatchDeviceControl(
    _In_ PDEVICE_OBJECT DeviceObject,
    _Inout_ PIRP Irp
    )
/*++

Routine Description:

    METHOD_BUFFERED: input and output share Irp->AssociatedIrp.SystemBuffer;
    the core reads all input before it writes. Runs in the caller's context
    (the control device is not in a stack), so the current process is the
    requestor.

Arguments:

    DeviceObject - The control device.

    Irp - The request.

Return Value:

    What the core answered.

--*/
{
    PIO_STACK_LOCATION stack = IoGetCurrentIrpStackLocation(Irp);
    XF_IOCTL_CALL call;
    XF_U32 information = 0;
    NTSTATUS status;

    UNREFERENCED_PARAMETER(DeviceObject);
    PAGED_CODE();

    RtlZeroMemory(&call, sizeof(call));
    call.IoControlCode = stack->Parameters.DeviceIoControl.IoControlCode;
    call.InputLength = stack->Parameters.DeviceIoControl.InputBufferLength;
    call.OutputLength = stack->Parameters.DeviceIoControl.OutputBufferLength;
    call.InputBuffer = Irp->AssociatedIrp.SystemBuffer;
    call.OutputBuffer = Irp->AssociatedIrp.SystemBuffer;
    call.CallerProcess = PsGetCurrentProcess();
    call.CallerProcessId = (XF_U64)(ULONG_PTR)PsGetCurrentProcessId();

    status = XfCoreDeviceControl(&XfData.Core, &call, &information);

    return XfCompleteRequest(Irp, status, information);
}
