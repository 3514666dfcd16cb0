/*++

Module Name:

    xf_control.c

Abstract:

    The control device \Device\XidFilter (user mode opens \\.\XidFilter) and its
    IRP_MJ_CREATE/CLOSE/DEVICE_CONTROL. Requests arrive as IRPs only: the
    fast-I/O device-control routine is left unset.

    Only SYSTEM and Administrators may open it. IoCreateDeviceSecure lives in
    the static wdmsec.lib (not an ntoskrnl export), so the device is created
    with FILE_DEVICE_SECURE_OPEN and its DACL is set right after, before the
    symbolic link makes it reachable.

Environment:

    Kernel mode, PASSIVE_LEVEL.

--*/

#include "xf_driver.h"

static DRIVER_DISPATCH XfDispatchCreateClose;
static DRIVER_DISPATCH XfDispatchDeviceControl;
static NTSTATUS XfRestrictToAdministrators(_In_ PDEVICE_OBJECT Device);

#ifdef ALLOC_PRAGMA
#pragma alloc_text(PAGE, XfCreateControlDevice)
#pragma alloc_text(PAGE, XfDeleteControlDevice)
#pragma alloc_text(PAGE, XfDispatchCreateClose)
#pragma alloc_text(PAGE, XfDispatchDeviceControl)
#pragma alloc_text(PAGE, XfRestrictToAdministrators)
#endif

//
//  S-1-5-18 (LocalSystem) and S-1-5-32-544 (BUILTIN\Administrators), spelled
//  out so no data export of ntoskrnl (SeExports) is needed.
//
static const ULONG XfSystemSid[] = { 0x00000101, 0x05000000, 18 };
static const ULONG XfAdministratorsSid[] = { 0x00000201, 0x05000000, 32, 544 };

NTSTATUS
XfCreateControlDevice(
    _In_ PDRIVER_OBJECT DriverObject
    )
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

    DriverObject->MajorFunction[IRP_MJ_CREATE] = XfDispatchCreateClose;
    DriverObject->MajorFunction[IRP_MJ_CLOSE] = XfDispatchCreateClose;
    DriverObject->MajorFunction[IRP_MJ_DEVICE_CONTROL] = XfDispatchDeviceControl;

    status = IoCreateSymbolicLink(&link, &name);
    if (!NT_SUCCESS(status)) {
        XfDeleteControlDevice();
        return status;
    }
    XfData.SymbolicLinkCreated = TRUE;

    XfData.ControlDevice->Flags &= ~DO_DEVICE_INITIALIZING;
    return STATUS_SUCCESS;
}

VOID
XfDeleteControlDevice(
    VOID
    )
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

static NTSTATUS
XfRestrictToAdministrators(
    _In_ PDEVICE_OBJECT Device
    )
/*++

Routine Description:

    Sets a DACL granting GENERIC_ALL to SYSTEM and Administrators only.

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

static NTSTATUS
XfDispatchCreateClose(
    _In_ PDEVICE_OBJECT DeviceObject,
    _Inout_ PIRP Irp
    )
{
    UNREFERENCED_PARAMETER(DeviceObject);
    PAGED_CODE();

    Irp->IoStatus.Status = STATUS_SUCCESS;
    Irp->IoStatus.Information = 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return STATUS_SUCCESS;
}

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

    Irp->IoStatus.Status = status;
    Irp->IoStatus.Information = NT_SUCCESS(status) ? information : 0;
    IoCompleteRequest(Irp, IO_NO_INCREMENT);
    return status;
}
