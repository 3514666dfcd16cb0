/*++

    chain.c: the lookup three helpers down, from a post-operation callback:
    PostWrite -> Classify -> Attribute -> Lookup -> PsLookupThreadByThreadId.
    The helpers are kept out of line, as a real driver's are.

--*/

#include "lint_corpus.h"

static NTSTATUS CorpusSetup(VOID) { return STATUS_SUCCESS; }

static volatile LONG Attributed;

static __attribute__((noinline)) BOOLEAN
Lookup(
    _In_ PETHREAD Thread
    )
{
    PETHREAD found;

    if (!NT_SUCCESS(PsLookupThreadByThreadId(PsGetThreadId(Thread), &found))) {
        return FALSE;
    }
    ObDereferenceObject(found);
    return TRUE;
}

static __attribute__((noinline)) VOID
Attribute(
    _In_ PFLT_CALLBACK_DATA Data
    )
{
    if (Data->Thread != NULL && Lookup(Data->Thread)) {
        InterlockedIncrement(&Attributed);
    }
}

static __attribute__((noinline)) VOID
Classify(
    _In_ PFLT_CALLBACK_DATA Data
    )
{
    if (Data->Iopb->MajorFunction == IRP_MJ_WRITE) {
        Attribute(Data);
    }
}

static FLT_POSTOP_CALLBACK_STATUS FLTAPI
PostWrite(
    _Inout_ PFLT_CALLBACK_DATA Data,
    _In_ PCFLT_RELATED_OBJECTS FltObjects,
    _In_opt_ PVOID CompletionContext,
    _In_ ULONG Flags
    )
{
    UNREFERENCED_PARAMETER(FltObjects);
    UNREFERENCED_PARAMETER(CompletionContext);
    UNREFERENCED_PARAMETER(Flags);
    Classify(Data);
    return FLT_POSTOP_FINISHED_PROCESSING;
}

static const FLT_OPERATION_REGISTRATION Operations[] = {
    { IRP_MJ_WRITE, CORPUS_FLAGS, NULL, PostWrite, NULL },
    { IRP_MJ_OPERATION_END, 0, NULL, NULL, NULL }
};

CORPUS_DRIVER(Operations)
