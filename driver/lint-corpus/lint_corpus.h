/*++

Module Name:

    lint_corpus.h

Abstract:

    What every minifilter of the lint corpus shares: the filter-manager
    declarations (xidfilter's own mingw header), the routines the cases call
    that it lacks, and the registration. Each case is a complete driver that
    registers one constant FLT_REGISTRATION, the way most minifilters do, so
    `xidlab driver lint` finds it in the image. The cases are built -O2 and
    stripped (scripts/build-lint-corpus.sh): the lint sees what a customer's
    release build gives it, no symbols.

Environment:

    Kernel mode, x64. Never loaded: the corpus is data for the lint's tests.

--*/

#ifndef LINT_CORPUS_H
#define LINT_CORPUS_H

#include "xf_fltkernel.h"

//
//  The flags the read and write entries are registered with: 0 (the field's
//  registration) unless the build says otherwise.
//
#ifndef CORPUS_FLAGS
#define CORPUS_FLAGS 0
#endif

//
//  Not in xf_fltkernel.h (xidfilter does not call it). Declared without
//  dllimport, as xf_fltkernel.h declares the filter manager's routines: the
//  call goes through a jump thunk into the import table.
//
typedef PVOID PFLT_FILE_NAME_INFORMATION_OPAQUE;
NTSTATUS FLTAPI FltGetFileNameInformation(PFLT_CALLBACK_DATA CallbackData, ULONG NameOptions,
                                          PFLT_FILE_NAME_INFORMATION_OPAQUE *FileNameInformation);
VOID FLTAPI FltReleaseFileNameInformation(PFLT_FILE_NAME_INFORMATION_OPAQUE FileNameInformation);

extern PFLT_FILTER CorpusFilter;

//
//  A pre-operation callback's definition, as FLT_OPERATION_REGISTRATION takes
//  it. Put __attribute__((section(...))) before it to place it.
//
#define CORPUS_PREOP(Name)                                                                      \
    static FLT_PREOP_CALLBACK_STATUS FLTAPI                                                     \
    Name(_Inout_ PFLT_CALLBACK_DATA Data, _In_ PCFLT_RELATED_OBJECTS FltObjects,                \
         _Out_ PVOID *CompletionContext)

//
//  A callback that only counts: nothing risky, on any path.
//
#define CORPUS_COUNTING_PREOP(Name, Counter)                                                    \
    CORPUS_PREOP(Name)                                                                          \
    {                                                                                           \
        UNREFERENCED_PARAMETER(Data);                                                           \
        UNREFERENCED_PARAMETER(FltObjects);                                                     \
        *CompletionContext = NULL;                                                              \
        InterlockedIncrement(&(Counter));                                                       \
        return FLT_PREOP_SUCCESS_NO_CALLBACK;                                                   \
    }

//
//  The field's lookup of the requestor's process, expanded where it is used,
//  so the call to PsLookupProcessByProcessId is made from that routine.
//
#define CORPUS_LOOKUP_REQUESTOR(Data, Lookup, OnFound)                                           \
    do {                                                                                        \
        PEPROCESS process_;                                                                     \
        if (NT_SUCCESS((Lookup)((HANDLE)(ULONG_PTR)FltGetRequestorProcessId(Data), &process_))) { \
            OnFound;                                                                            \
            ObDereferenceObject(process_);                                                      \
        }                                                                                       \
    } while (0)

static NTSTATUS FLTAPI
CorpusUnload(
    _In_ FLT_FILTER_UNLOAD_FLAGS Flags
    )
{
    UNREFERENCED_PARAMETER(Flags);
    FltUnregisterFilter(CorpusFilter);
    return STATUS_SUCCESS;
}

//
//  The constant registration handed to FltRegisterFilter, and a DriverEntry
//  that registers it and then calls the case's own setup (CorpusSetup).
//
#define CORPUS_DRIVER(Operations)                                                               \
    PFLT_FILTER CorpusFilter;                                                                   \
    static const FLT_REGISTRATION CorpusRegistration = {                                        \
        .Size = sizeof(FLT_REGISTRATION),                                                       \
        .Version = FLT_REGISTRATION_VERSION,                                                    \
        .OperationRegistration = (Operations),                                                  \
        .FilterUnloadCallback = CorpusUnload,                                                   \
    };                                                                                          \
    DRIVER_INITIALIZE DriverEntry;                                                              \
    NTSTATUS                                                                                    \
    DriverEntry(_In_ PDRIVER_OBJECT DriverObject, _In_ PUNICODE_STRING RegistryPath)            \
    {                                                                                           \
        NTSTATUS status;                                                                        \
        UNREFERENCED_PARAMETER(RegistryPath);                                                   \
        status = FltRegisterFilter(DriverObject, &CorpusRegistration, &CorpusFilter);           \
        if (!NT_SUCCESS(status)) {                                                              \
            return status;                                                                      \
        }                                                                                       \
        status = CorpusSetup();                                                                 \
        if (NT_SUCCESS(status)) {                                                               \
            status = FltStartFiltering(CorpusFilter);                                           \
        }                                                                                       \
        if (!NT_SUCCESS(status)) {                                                              \
            FltUnregisterFilter(CorpusFilter);                                                  \
        }                                                                                       \
        return status;                                                                          \
    }

//
//  The registration most cases have: a read and a write pre-operation
//  callback (the same one or two), both with CORPUS_FLAGS, and the driver
//  around it.
//
#define CORPUS_READ_WRITE_DRIVER(PreRead, PreWrite)                                             \
    static const FLT_OPERATION_REGISTRATION Operations[] = {                                    \
        { IRP_MJ_READ, CORPUS_FLAGS, (PreRead), NULL, NULL },                                   \
        { IRP_MJ_WRITE, CORPUS_FLAGS, (PreWrite), NULL, NULL },                                 \
        { IRP_MJ_OPERATION_END, 0, NULL, NULL, NULL }                                           \
    };                                                                                          \
    CORPUS_DRIVER(Operations)

#endif // LINT_CORPUS_H
