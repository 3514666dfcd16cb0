/*++

Module Name:

    xf_fltkernel.h

Abstract:

    The part of fltKernel.h xidfilter uses, for the mingw-w64 cross build (mingw
    ships no filter-manager header). Written from the public WDK documentation of
    each structure, with the x64 layouts checked by the static assertions at the
    end. A WDK build includes the real fltKernel.h instead.

Environment:

    Kernel mode, x64.

--*/

#ifndef XF_FLTKERNEL_H
#define XF_FLTKERNEL_H

#if defined(_MSC_VER) && !defined(__MINGW32__)

#include <fltKernel.h>

#else

#include <ntifs.h>

#define FLTAPI NTAPI

typedef struct _FLT_FILTER *PFLT_FILTER;
typedef struct _FLT_INSTANCE *PFLT_INSTANCE;
typedef struct _FLT_VOLUME *PFLT_VOLUME;

typedef ULONG FLT_REGISTRATION_FLAGS;
typedef ULONG FLT_OPERATION_REGISTRATION_FLAGS;
typedef ULONG FLT_FILTER_UNLOAD_FLAGS;
typedef ULONG FLT_INSTANCE_SETUP_FLAGS;
typedef ULONG FLT_INSTANCE_QUERY_TEARDOWN_FLAGS;
typedef ULONG FLT_CALLBACK_DATA_FLAGS;
typedef int FLT_FILESYSTEM_TYPE;

#define FLTFL_OPERATION_REGISTRATION_SKIP_PAGING_IO     0x00000001
#define FLTFL_OPERATION_REGISTRATION_SKIP_CACHED_IO     0x00000002
#define FLTFL_OPERATION_REGISTRATION_SKIP_NON_DASD_IO   0x00000004
#define FLTFL_OPERATION_REGISTRATION_SKIP_NON_CACHED_NON_PAGING_IO 0x00000008

#define FLT_REGISTRATION_VERSION_0203   0x0203
#define FLT_REGISTRATION_VERSION        FLT_REGISTRATION_VERSION_0203

#define IRP_MJ_OPERATION_END            ((UCHAR)0x80)

#define FLTFL_FILTER_UNLOAD_MANDATORY   0x00000001

//
//  As fltKernel.h: an assertion in checked builds (DBG=1), nothing otherwise.
//
#if DBG
#define FLT_ASSERT(_e)                  NT_ASSERT(_e)
#else
#define FLT_ASSERT(_e)                  ((VOID)0)
#endif

typedef enum _FLT_PREOP_CALLBACK_STATUS {
    FLT_PREOP_SUCCESS_WITH_CALLBACK,
    FLT_PREOP_SUCCESS_NO_CALLBACK,
    FLT_PREOP_PENDING,
    FLT_PREOP_DISALLOW_FASTIO,
    FLT_PREOP_COMPLETE,
    FLT_PREOP_SYNCHRONIZE,
    FLT_PREOP_DISALLOW_FSFILTER_IO
} FLT_PREOP_CALLBACK_STATUS;

typedef enum _FLT_POSTOP_CALLBACK_STATUS {
    FLT_POSTOP_FINISHED_PROCESSING,
    FLT_POSTOP_MORE_PROCESSING_REQUIRED,
    FLT_POSTOP_DISALLOW_FSFILTER_IO
} FLT_POSTOP_CALLBACK_STATUS;

//
//  Only the fields before the parameter union are used; the union follows at
//  offset 0x18 and is never touched here.
//
typedef struct _FLT_IO_PARAMETER_BLOCK {
    ULONG IrpFlags;
    UCHAR MajorFunction;
    UCHAR MinorFunction;
    UCHAR OperationFlags;
    UCHAR Reserved;
    PFILE_OBJECT TargetFileObject;
    PFLT_INSTANCE TargetInstance;
    UCHAR Parameters[1];
} FLT_IO_PARAMETER_BLOCK, *PFLT_IO_PARAMETER_BLOCK;

typedef struct _FLT_CALLBACK_DATA {
    FLT_CALLBACK_DATA_FLAGS Flags;
    PETHREAD CONST Thread;
    PFLT_IO_PARAMETER_BLOCK CONST Iopb;
    IO_STATUS_BLOCK IoStatus;
    struct _FLT_TAG_DATA_BUFFER *TagData;
    union {
        struct {
            LIST_ENTRY QueueLinks;
            PVOID QueueContext[2];
        };
        PVOID FilterContext[4];
    };
    KPROCESSOR_MODE RequestorMode;
} FLT_CALLBACK_DATA, *PFLT_CALLBACK_DATA;

typedef struct _FLT_RELATED_OBJECTS {
    USHORT CONST Size;
    USHORT CONST TransactionContext;
    PFLT_FILTER CONST Filter;
    PFLT_VOLUME CONST Volume;
    PFLT_INSTANCE CONST Instance;
    PFILE_OBJECT CONST FileObject;
    PVOID CONST Transaction;
} FLT_RELATED_OBJECTS, *PFLT_RELATED_OBJECTS;
typedef CONST FLT_RELATED_OBJECTS *PCFLT_RELATED_OBJECTS;

typedef FLT_PREOP_CALLBACK_STATUS (FLTAPI *PFLT_PRE_OPERATION_CALLBACK)(
    PFLT_CALLBACK_DATA Data, PCFLT_RELATED_OBJECTS FltObjects, PVOID *CompletionContext);
typedef FLT_POSTOP_CALLBACK_STATUS (FLTAPI *PFLT_POST_OPERATION_CALLBACK)(
    PFLT_CALLBACK_DATA Data, PCFLT_RELATED_OBJECTS FltObjects, PVOID CompletionContext, ULONG Flags);
typedef NTSTATUS (FLTAPI *PFLT_FILTER_UNLOAD_CALLBACK)(FLT_FILTER_UNLOAD_FLAGS Flags);
typedef NTSTATUS (FLTAPI *PFLT_INSTANCE_SETUP_CALLBACK)(
    PCFLT_RELATED_OBJECTS FltObjects, FLT_INSTANCE_SETUP_FLAGS Flags, DEVICE_TYPE VolumeDeviceType,
    FLT_FILESYSTEM_TYPE VolumeFilesystemType);
typedef NTSTATUS (FLTAPI *PFLT_INSTANCE_QUERY_TEARDOWN_CALLBACK)(
    PCFLT_RELATED_OBJECTS FltObjects, FLT_INSTANCE_QUERY_TEARDOWN_FLAGS Flags);

typedef struct _FLT_OPERATION_REGISTRATION {
    UCHAR MajorFunction;
    FLT_OPERATION_REGISTRATION_FLAGS Flags;
    PFLT_PRE_OPERATION_CALLBACK PreOperation;
    PFLT_POST_OPERATION_CALLBACK PostOperation;
    PVOID Reserved1;
} FLT_OPERATION_REGISTRATION, *PFLT_OPERATION_REGISTRATION;

//
//  Callbacks xidfilter does not use are plain PVOIDs: same size, same place.
//
typedef struct _FLT_REGISTRATION {
    USHORT Size;
    USHORT Version;
    FLT_REGISTRATION_FLAGS Flags;
    const PVOID ContextRegistration;
    const FLT_OPERATION_REGISTRATION *OperationRegistration;
    PFLT_FILTER_UNLOAD_CALLBACK FilterUnloadCallback;
    PFLT_INSTANCE_SETUP_CALLBACK InstanceSetupCallback;
    PFLT_INSTANCE_QUERY_TEARDOWN_CALLBACK InstanceQueryTeardownCallback;
    PVOID InstanceTeardownStartCallback;
    PVOID InstanceTeardownCompleteCallback;
    PVOID GenerateFileNameCallback;
    PVOID NormalizeNameComponentCallback;
    PVOID NormalizeContextCleanupCallback;
    PVOID TransactionNotificationCallback;
    PVOID NormalizeNameComponentExCallback;
    PVOID SectionNotificationCallback;
} FLT_REGISTRATION, *PFLT_REGISTRATION;

NTSTATUS FLTAPI FltRegisterFilter(PDRIVER_OBJECT Driver, const FLT_REGISTRATION *Registration,
                                  PFLT_FILTER *RetFilter);
NTSTATUS FLTAPI FltStartFiltering(PFLT_FILTER Filter);
VOID FLTAPI FltUnregisterFilter(PFLT_FILTER Filter);
PEPROCESS FLTAPI FltGetRequestorProcess(PFLT_CALLBACK_DATA CallbackData);
ULONG FLTAPI FltGetRequestorProcessId(PFLT_CALLBACK_DATA CallbackData);

#if defined(_WIN64)
_Static_assert(sizeof(FLT_OPERATION_REGISTRATION) == 0x20, "FLT_OPERATION_REGISTRATION is 0x20 bytes on x64");
_Static_assert(__builtin_offsetof(FLT_OPERATION_REGISTRATION, Flags) == 4, "Flags at 4");
_Static_assert(__builtin_offsetof(FLT_OPERATION_REGISTRATION, PreOperation) == 8, "PreOperation at 8");
_Static_assert(sizeof(FLT_REGISTRATION) == 0x70, "FLT_REGISTRATION (version 0x0203) is 0x70 bytes on x64");
_Static_assert(__builtin_offsetof(FLT_REGISTRATION, OperationRegistration) == 0x10, "operations at 0x10");
_Static_assert(__builtin_offsetof(FLT_REGISTRATION, FilterUnloadCallback) == 0x18, "unload at 0x18");
_Static_assert(__builtin_offsetof(FLT_REGISTRATION, SectionNotificationCallback) == 0x68, "section at 0x68");
_Static_assert(__builtin_offsetof(FLT_CALLBACK_DATA, Iopb) == 0x10, "Iopb at 0x10");
_Static_assert(__builtin_offsetof(FLT_CALLBACK_DATA, RequestorMode) == 0x50, "RequestorMode at 0x50");
_Static_assert(__builtin_offsetof(FLT_IO_PARAMETER_BLOCK, MajorFunction) == 4, "MajorFunction at 4");
_Static_assert(__builtin_offsetof(FLT_IO_PARAMETER_BLOCK, TargetInstance) == 0x10, "TargetInstance at 0x10");
_Static_assert(__builtin_offsetof(FLT_IO_PARAMETER_BLOCK, Parameters) == 0x18, "Parameters at 0x18");
#endif

#endif

#endif // XF_FLTKERNEL_H
