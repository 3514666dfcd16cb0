/*++

    notify.c: the lookup only where it is safe. A process-notify routine
    (PASSIVE_LEVEL, never on the paging path) looks the parent up; the read
    and write callback only counts. Nothing reaches the lookup from a
    paging-path callback: clean.

--*/

#include "lint_corpus.h"

static volatile LONG Operations_;
static volatile LONG Parents;

static VOID
OnProcess(
    _Inout_ PEPROCESS Process,
    _In_ HANDLE ProcessId,
    _Inout_opt_ PPS_CREATE_NOTIFY_INFO CreateInfo
    )
{
    PEPROCESS parent;

    UNREFERENCED_PARAMETER(Process);
    UNREFERENCED_PARAMETER(ProcessId);
    if (CreateInfo != NULL && NT_SUCCESS(PsLookupProcessByProcessId(CreateInfo->ParentProcessId, &parent))) {
        InterlockedIncrement(&Parents);
        ObDereferenceObject(parent);
    }
}

static NTSTATUS
CorpusSetup(
    VOID
    )
{
    return PsSetCreateProcessNotifyRoutineEx(OnProcess, FALSE);
}

CORPUS_COUNTING_PREOP(PreReadWrite, Operations_)

CORPUS_READ_WRITE_DRIVER(PreReadWrite, PreReadWrite)
