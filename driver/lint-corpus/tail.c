/*++

    tail.c: every step a tail call. PreRead ends in a jump to NearTail, just
    beside it (the short EB form); NearTail in a jump to FarTail, which lies in
    .text$far, after all of .text (E9 rel32); FarTail in a jump through the
    import table to ZwOpenProcess (REX.W FF 25); PreWrite in a jump to the
    filter manager's FltGetFileNameInformation through its thunk (E9 to
    FF 25). Nothing returns to the callback.

--*/

#include "lint_corpus.h"

static NTSTATUS CorpusSetup(VOID) { return STATUS_SUCCESS; }

static HANDLE Process;
static OBJECT_ATTRIBUTES Attributes;
static CLIENT_ID Client;

static __attribute__((noinline)) NTSTATUS FarTail(_In_ PFLT_CALLBACK_DATA Data);

static __attribute__((noinline)) NTSTATUS
NearTail(
    _In_ PFLT_CALLBACK_DATA Data
    )
{
    return FarTail(Data);
}

CORPUS_PREOP(PreRead)
{
    UNREFERENCED_PARAMETER(FltObjects);
    *CompletionContext = NULL;
    return (FLT_PREOP_CALLBACK_STATUS)NearTail(Data);
}

__attribute__((noinline, section(".text$far"))) static NTSTATUS
FarTail(
    _In_ PFLT_CALLBACK_DATA Data
    )
{
    Client.UniqueProcess = (HANDLE)(ULONG_PTR)FltGetRequestorProcessId(Data);
    return ZwOpenProcess(&Process, 0x1000 /* PROCESS_QUERY_LIMITED_INFORMATION */, &Attributes, &Client);
}

static PFLT_FILE_NAME_INFORMATION_OPAQUE Name;

CORPUS_PREOP(PreWrite)
{
    UNREFERENCED_PARAMETER(FltObjects);
    *CompletionContext = NULL;
    return (FLT_PREOP_CALLBACK_STATUS)FltGetFileNameInformation(Data, 0x101, &Name);
}

CORPUS_READ_WRITE_DRIVER(PreRead, PreWrite)
