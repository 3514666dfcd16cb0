/*++

Module Name:

    xf_paging.c

Abstract:

    What a paging I/O the callback sees is for: the paging file, xidfilter.sys's
    own image, or another file. Nested callbacks are counted by it, which is how
    a real kernel shows whether CID-table page-ins (paged pool, backed by the
    paging file) reach the filter at all, and how the self-test's page-ins of
    the image arrive.

    The image is recognised by its stream: DriverEntry opens the image file
    named by the service key's ImagePath and keeps the file object referenced,
    so its FsContext (which every file object of the same stream shares) stays
    valid and unique while the driver is loaded. The paging file is recognised
    by FsRtlIsSystemPagingFile (Windows 8 and later; documented callable at
    DISPATCH_LEVEL, so resident), else FsRtlIsPagingFile (<= APC_LEVEL, which
    the callback is).

Environment:

    Kernel mode. XfPlatPagingIoTarget runs in the pre-operation callback on
    paging I/O: non-paged.

--*/

#include "xf_driver.h"

#ifdef ALLOC_PRAGMA
#pragma alloc_text(INIT, XfResolvePagingFileCheck)
#pragma alloc_text(INIT, XfOpenImageIdentity)
#pragma alloc_text(PAGE, XfReleaseImageIdentity)
#endif

XF_INIT
VOID
XfResolvePagingFileCheck(
    VOID
    )
/*++

Routine Description:

    Picks the paging-file test this kernel has.

Arguments:

    None.

Return Value:

    None.

--*/
{
    XfData.IsPagingFile = (XF_IS_PAGING_FILE)(ULONG_PTR)XfSystemRoutine(L"FsRtlIsSystemPagingFile");
    if (XfData.IsPagingFile == NULL) {
        XfData.IsPagingFile = FsRtlIsPagingFile;
    }
}

XF_INIT
VOID
XfOpenImageIdentity(
    VOID
    )
/*++

Routine Description:

    Opens xidfilter.sys itself (attributes only) and keeps its file object.
    ImagePath is an NT path when it starts with a backslash
    (\SystemRoot\..., \??\C:\...), a drive path (C:\...) is under \??\, and
    anything else is relative to \SystemRoot, as the I/O manager reads it.
    Failing leaves the identity unknown, which only costs the telemetry.

Arguments:

    None.

Return Value:

    None.

--*/
{
    static const WCHAR systemRoot[] = L"\\SystemRoot\\";
    static const WCHAR dosDevices[] = L"\\??\\";
    UNICODE_STRING imagePath;
    UNICODE_STRING fullPath;
    const WCHAR *prefix = NULL;
    USHORT prefixBytes = 0;
    OBJECT_ATTRIBUTES attributes;
    IO_STATUS_BLOCK iosb;
    HANDLE file;
    PFILE_OBJECT fileObject;
    NTSTATUS status;

    if (!NT_SUCCESS(XfReadImagePath(&imagePath))) {
        return;
    }
    if (imagePath.Length >= sizeof(WCHAR) && imagePath.Buffer[0] != L'\\') {
        if (imagePath.Length >= 2 * sizeof(WCHAR) && imagePath.Buffer[1] == L':') {
            prefix = dosDevices;
            prefixBytes = sizeof(dosDevices) - sizeof(WCHAR);
        } else {
            prefix = systemRoot;
            prefixBytes = sizeof(systemRoot) - sizeof(WCHAR);
        }
    }
    if (imagePath.Length > MAXUSHORT - prefixBytes) {
        XfFree(imagePath.Buffer);
        return;
    }
    fullPath.Length = 0;
    fullPath.MaximumLength = (USHORT)(imagePath.Length + prefixBytes);
    fullPath.Buffer = XfAllocateNonPaged(fullPath.MaximumLength);
    if (fullPath.Buffer == NULL) {
        XfFree(imagePath.Buffer);
        return;
    }
    if (prefix != NULL) {
        RtlCopyMemory(fullPath.Buffer, prefix, prefixBytes);
        fullPath.Length = prefixBytes;
    }
    RtlAppendUnicodeStringToString(&fullPath, &imagePath);
    XfFree(imagePath.Buffer);

    InitializeObjectAttributes(&attributes, &fullPath, OBJ_KERNEL_HANDLE | OBJ_CASE_INSENSITIVE, NULL, NULL);
    status = ZwCreateFile(&file, FILE_READ_ATTRIBUTES | SYNCHRONIZE, &attributes, &iosb, NULL,
                          FILE_ATTRIBUTE_NORMAL, FILE_SHARE_READ | FILE_SHARE_WRITE | FILE_SHARE_DELETE,
                          FILE_OPEN, FILE_NON_DIRECTORY_FILE | FILE_SYNCHRONOUS_IO_NONALERT, NULL, 0);
    XfFree(fullPath.Buffer);
    if (!NT_SUCCESS(status)) {
        return;
    }

    //
    //  Our own kernel handle to a file we just opened: no type check is
    //  needed (ObjectType may be NULL for a KernelMode caller).
    //
    status = ObReferenceObjectByHandle(file, 0, NULL, KernelMode, (PVOID *)&fileObject, NULL);
    ZwClose(file);
    if (!NT_SUCCESS(status)) {
        return;
    }
    XfData.ImageFileObject = fileObject;
    XfData.ImageFsContext = fileObject->FsContext;
}

XF_PAGED
VOID
XfReleaseImageIdentity(
    VOID
    )
/*++

Routine Description:

    Drops the image's file object, after the filter is unregistered (no
    callback compares against it any more).

Arguments:

    None.

Return Value:

    None.

--*/
{
    PAGED_CODE();

    if (XfData.ImageFileObject != NULL) {
        XfData.ImageFsContext = NULL;
        ObDereferenceObject(XfData.ImageFileObject);
        XfData.ImageFileObject = NULL;
    }
}

XF_U32
XfPlatPagingIoTarget(
    _In_ XF_CORE *Core,
    _In_ const XF_OPERATION *Operation
    )
/*++

Routine Description:

    Classifies a paging I/O by its target file object.

Arguments:

    Core - The core.

    Operation - A paging-I/O operation.

Return Value:

    XF_IO_TARGET_IMAGE, XF_IO_TARGET_PAGING_FILE or XF_IO_TARGET_OTHER.

--*/
{
    PFLT_CALLBACK_DATA data = (PFLT_CALLBACK_DATA)Operation->CallbackData;
    PFILE_OBJECT file = data->Iopb->TargetFileObject;

    UNREFERENCED_PARAMETER(Core);

    if (file == NULL) {
        return XF_IO_TARGET_OTHER;
    }
    if (XfData.ImageFsContext != NULL && file->FsContext == XfData.ImageFsContext) {
        return XF_IO_TARGET_IMAGE;
    }
    if (XfData.IsPagingFile(file)) {
        return XF_IO_TARGET_PAGING_FILE;
    }
    return XF_IO_TARGET_OTHER;
}
