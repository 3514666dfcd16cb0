/*++

    create-only.c: the lookup on IRP_MJ_CREATE only. A create is never paging
    I/O, so its callback is off the paging path and may look the process up;
    the read callback does not. Not reported.

--*/

#include "lint_corpus.h"

static NTSTATUS CorpusSetup(VOID) { return STATUS_SUCCESS; }

static volatile LONG Reads;
static volatile LONG Found;

static FLT_PREOP_CALLBACK_STATUS FLTAPI
PreCreate(
    _Inout_ PFLT_CALLBACK_DATA Data,
    _In_ PCFLT_RELATED_OBJECTS FltObjects,
    _Out_ PVOID *CompletionContext
    )
{
    PEPROCESS process;

    UNREFERENCED_PARAMETER(FltObjects);
    *CompletionContext = NULL;
    if (NT_SUCCESS(PsLookupProcessByProcessId((HANDLE)(ULONG_PTR)FltGetRequestorProcessId(Data), &process))) {
        InterlockedIncrement(&Found);
        ObDereferenceObject(process);
    }
    return FLT_PREOP_SUCCESS_NO_CALLBACK;
}

static FLT_PREOP_CALLBACK_STATUS FLTAPI
PreRead(
    _Inout_ PFLT_CALLBACK_DATA Data,
    _In_ PCFLT_RELATED_OBJECTS FltObjects,
    _Out_ PVOID *CompletionContext
    )
{
    UNREFERENCED_PARAMETER(Data);
    UNREFERENCED_PARAMETER(FltObjects);
    *CompletionContext = NULL;
    InterlockedIncrement(&Reads);
    return FLT_PREOP_SUCCESS_NO_CALLBACK;
}

static const FLT_OPERATION_REGISTRATION Operations[] = {
    { IRP_MJ_CREATE, 0, PreCreate, NULL, NULL },
    { IRP_MJ_READ, CORPUS_FLAGS, PreRead, NULL, NULL },
    { IRP_MJ_OPERATION_END, 0, NULL, NULL, NULL }
};

CORPUS_DRIVER(Operations)
