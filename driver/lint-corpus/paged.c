/*++

    paged.c: a paging-path callback in pageable code. The read callback is in
    the PAGE section (what #pragma alloc_text(PAGE, ...) does in a WDK build):
    when its own page is out, the page fault's paging read comes back into
    it. It calls nothing risky; where it lies is the fault (XL002). The
    create callback may be pageable and is not reported.

--*/

#include "lint_corpus.h"

static NTSTATUS CorpusSetup(VOID) { return STATUS_SUCCESS; }

static volatile LONG Reads;
static volatile LONG Creates;

__attribute__((section("PAGE"))) CORPUS_COUNTING_PREOP(PreRead, Reads)

__attribute__((section("PAGE"))) CORPUS_COUNTING_PREOP(PreCreate, Creates)

static const FLT_OPERATION_REGISTRATION Operations[] = {
    { IRP_MJ_CREATE, 0, PreCreate, NULL, NULL },
    { IRP_MJ_READ, CORPUS_FLAGS, PreRead, NULL, NULL },
    { IRP_MJ_OPERATION_END, 0, NULL, NULL, NULL }
};

CORPUS_DRIVER(Operations)
