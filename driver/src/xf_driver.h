/*++

Module Name:

    xf_driver.h

Abstract:

    xidfilter's kernel glue: the driver-wide globals (one structure, XfData, in
    non-paged memory) and the routines the files of driver/src share. Every
    decision lives in the portable core (driver/core); this glue only connects
    it to ntoskrnl and the filter manager.

    Where each routine lives: XF_INIT (discarded after DriverEntry), XF_PAGED
    (PASSIVE_LEVEL only), or neither (non-paged: the pre-operation callback
    can reach it, on paging I/O). The MSVC build says the same with
    #pragma alloc_text in each file.

Environment:

    Kernel mode.

--*/

#ifndef XF_DRIVER_H
#define XF_DRIVER_H

#include "../mingw/xf_fltkernel.h"
#include "../core/xf_core.h"

#define XF_POOL_TAG             'fdiX'

typedef PVOID (NTAPI *XF_ALLOCATE_POOL2)(ULONG64 Flags, SIZE_T NumberOfBytes, ULONG Tag);
typedef LOGICAL (NTAPI *XF_IS_PAGING_FILE)(PFILE_OBJECT FileObject);
typedef NTSTATUS (NTAPI *XF_OPEN_DRIVER_REGISTRY_KEY)(PDRIVER_OBJECT DriverObject, ULONG RegKeyType,
                                                     ACCESS_MASK DesiredAccess, ULONG Flags, PHANDLE DriverRegKey);

typedef struct _XF_DRIVER_DATA {

    PDRIVER_OBJECT DriverObject;
    PFLT_FILTER Filter;
    PDEVICE_OBJECT ControlDevice;
    UNICODE_STRING ServiceKey;              // our copy of the RegistryPath DriverEntry got

    //
    //  XfPlatLock: an ERESOURCE taken inside a critical region, so the holder
    //  stays at PASSIVE_LEVEL (FltUnregisterFilter, called under it by the
    //  experimental re-registration, requires PASSIVE_LEVEL; a FAST_MUTEX would
    //  raise to APC_LEVEL).
    //
    ERESOURCE Lock;

    //
    //  What the unload waits on while the control device's requests in flight
    //  finish (the core's run-down signals it; a notification event).
    //
    KEVENT Drained;

    BOOLEAN LockInitialized;
    BOOLEAN CoreInitialized;
    BOOLEAN SymbolicLinkCreated;
    BOOLEAN NotifyRegistered;
    BOOLEAN TornDown;
    BOOLEAN UsePersistentStateKey;          // config in IoOpenDriverRegistryKey's persistent-state key

    //
    //  Routines resolved at load where the kernel has them.
    //
    XF_ALLOCATE_POOL2 AllocatePool2;                    // ExAllocatePool2 (Windows 10 2004+)
    XF_IS_PAGING_FILE IsPagingFile;                     // FsRtlIsSystemPagingFile, else FsRtlIsPagingFile
    XF_OPEN_DRIVER_REGISTRY_KEY OpenDriverRegistryKey;  // IoOpenDriverRegistryKey (Windows 10 1803+)

    //
    //  xidfilter.sys's own image file, held referenced while loaded so its
    //  FsContext (the file system's stream identity) cannot be reused; NULL
    //  when the image could not be opened (nested paging reads of it then
    //  count as other files).
    //
    PFILE_OBJECT ImageFileObject;
    PVOID ImageFsContext;

    FLT_OPERATION_REGISTRATION Operations[XF_OP_COUNT + 1];
    FLT_REGISTRATION Registration;

    XF_CORE Core;

} XF_DRIVER_DATA, *PXF_DRIVER_DATA;

extern XF_DRIVER_DATA XfData;

//
//  xf_init.c
//
DRIVER_INITIALIZE DriverEntry;
NTSTATUS XfRegisterFilter(_In_reads_(XF_OP_COUNT) const XF_U32 OperationFlags[XF_OP_COUNT]);
VOID XfUnregisterFilter(VOID);
PVOID XfSystemRoutine(_In_z_ PCWSTR Name);

//
//  xf_operations.c
//
FLT_PREOP_CALLBACK_STATUS FLTAPI XfPreOperation(_Inout_ PFLT_CALLBACK_DATA Data,
                                                _In_ PCFLT_RELATED_OBJECTS FltObjects,
                                                _Out_ PVOID *CompletionContext);

//
//  xf_control.c
//
NTSTATUS XfCreateControlDevice(_In_ PDRIVER_OBJECT DriverObject);
VOID XfDeleteControlDevice(VOID);

//
//  xf_registry.c
//
VOID XfResolveStateKey(VOID);
NTSTATUS XfReadServiceKey(_Out_ XF_CONFIG *Config, _Out_ BOOLEAN *HaveConfig, _Out_ ULONG *LoadCount);
NTSTATUS XfReadImagePath(_Out_ PUNICODE_STRING ImagePath);
NTSTATUS XfWriteServiceConfig(_In_ const XF_CONFIG *Config);
NTSTATUS XfWriteLoadCount(_In_ ULONG LoadCount);

//
//  xf_paging.c
//
VOID XfResolvePagingFileCheck(VOID);
VOID XfOpenImageIdentity(VOID);
VOID XfReleaseImageIdentity(VOID);

//
//  xf_process.c
//
NTSTATUS XfRegisterProcessNotify(VOID);
VOID XfUnregisterProcessNotify(VOID);

//
//  xf_selftest.c
//
VOID XfSelfTestTouchPage(_In_ XF_U32 Page);

//
//  xf_pool.c
//
VOID XfResolvePoolApi(VOID);
PVOID XfAllocateNonPaged(_In_ SIZE_T Bytes);
VOID XfFree(_In_ PVOID Buffer);

#endif // XF_DRIVER_H
