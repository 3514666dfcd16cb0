/*++

    pointer.c: calls the lint cannot follow. The read callback calls
    PsLookupProcessByProcessId through a pointer DriverEntry resolved with
    MmGetSystemRoutineAddress (a call through non-import memory); the write
    callback calls a handler picked from a table by the operation (a call
    through a register). Both are reported as not followed, never as clean.

--*/

#include "lint_corpus.h"

typedef NTSTATUS (NTAPI *LOOKUP_PROCESS)(HANDLE ProcessId, PEPROCESS *Process);
typedef VOID (*HANDLER)(PFLT_CALLBACK_DATA Data);

LOOKUP_PROCESS LookupProcess;
static volatile LONG Seen[4];

static VOID Count0(PFLT_CALLBACK_DATA Data) { UNREFERENCED_PARAMETER(Data); InterlockedIncrement(&Seen[0]); }
static VOID Count1(PFLT_CALLBACK_DATA Data) { UNREFERENCED_PARAMETER(Data); InterlockedIncrement(&Seen[1]); }
static VOID Count2(PFLT_CALLBACK_DATA Data) { UNREFERENCED_PARAMETER(Data); InterlockedDecrement(&Seen[2]); }
static VOID Count3(PFLT_CALLBACK_DATA Data) { UNREFERENCED_PARAMETER(Data); InterlockedDecrement(&Seen[3]); }
static HANDLER const Handlers[4] = { Count0, Count1, Count2, Count3 };

static NTSTATUS
CorpusSetup(
    VOID
    )
{
    UNICODE_STRING name = RTL_CONSTANT_STRING(L"PsLookupProcessByProcessId");

    LookupProcess = (LOOKUP_PROCESS)(ULONG_PTR)MmGetSystemRoutineAddress(&name);
    return LookupProcess != NULL ? STATUS_SUCCESS : STATUS_PROCEDURE_NOT_FOUND;
}

CORPUS_PREOP(PreRead)
{
    UNREFERENCED_PARAMETER(FltObjects);
    *CompletionContext = NULL;
    CORPUS_LOOKUP_REQUESTOR(Data, LookupProcess, (VOID)0);
    return FLT_PREOP_SUCCESS_NO_CALLBACK;
}

CORPUS_PREOP(PreWrite)
{
    UNREFERENCED_PARAMETER(FltObjects);
    *CompletionContext = NULL;
    Handlers[Data->Iopb->MinorFunction & 3](Data);
    return FLT_PREOP_SUCCESS_NO_CALLBACK;
}

CORPUS_READ_WRITE_DRIVER(PreRead, PreWrite)
