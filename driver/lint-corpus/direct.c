/*++

    direct.c: the field's pattern. The read and write pre-operation callback
    looks the requestor's process up with PsLookupProcessByProcessId itself.
    Built twice: flags 0 (XL001) and SKIP_PAGING_IO (clean).

--*/

#include "lint_corpus.h"

static NTSTATUS CorpusSetup(VOID) { return STATUS_SUCCESS; }

CORPUS_PREOP(PreReadWrite)
{
    UNREFERENCED_PARAMETER(FltObjects);
    *CompletionContext = NULL;
    CORPUS_LOOKUP_REQUESTOR(Data, PsLookupProcessByProcessId, (VOID)0);
    return FLT_PREOP_SUCCESS_NO_CALLBACK;
}

CORPUS_READ_WRITE_DRIVER(PreReadWrite, PreReadWrite)
