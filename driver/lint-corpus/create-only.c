/*++

    create-only.c: the lookup on IRP_MJ_CREATE only. A create is never paging
    I/O, so its callback is off the paging path and may look the process up;
    the read callback does not. Not reported.

--*/

#include "lint_corpus.h"

static NTSTATUS CorpusSetup(VOID) { return STATUS_SUCCESS; }

static volatile LONG Reads;
static volatile LONG Found;

CORPUS_PREOP(PreCreate)
{
    UNREFERENCED_PARAMETER(FltObjects);
    *CompletionContext = NULL;
    CORPUS_LOOKUP_REQUESTOR(Data, PsLookupProcessByProcessId, InterlockedIncrement(&Found));
    return FLT_PREOP_SUCCESS_NO_CALLBACK;
}

CORPUS_COUNTING_PREOP(PreRead, Reads)

static const FLT_OPERATION_REGISTRATION Operations[] = {
    { IRP_MJ_CREATE, 0, PreCreate, NULL, NULL },
    { IRP_MJ_READ, CORPUS_FLAGS, PreRead, NULL, NULL },
    { IRP_MJ_OPERATION_END, 0, NULL, NULL, NULL }
};

CORPUS_DRIVER(Operations)
