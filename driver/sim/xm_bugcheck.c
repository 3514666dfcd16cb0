/*++

Module Name:

    xm_bugcheck.c

Abstract:

    The bugcheck: records the stop, has the dump writers write the dumps and
    unwinds to the entry point that ran the machine.

Environment:

    User mode model.

--*/

#include <stdlib.h>
#include <string.h>
#include "xm_model.h"

void
XmBugCheck(
    XM_MACHINE *Machine,
    uint64_t Code,
    uint64_t P1,
    uint64_t P2,
    uint64_t P3,
    uint64_t P4
    )
/*++

Routine Description:

    KeBugCheckEx: records the stop, writes the minidump (and the kernel memory
    dump when configured), and unwinds to the entry point that ran the machine. The machine takes no more work until it is
    booted again.

--*/
{
    XM_THREAD *t = Machine->Current;
    uint32_t i, depth = 0;

    for (i = 0; i < t->FrameCount; i++) {
        if (t->Frames[i] == XmFnXfPreOperation) {
            depth++;
        }
    }

    Machine->Crashed = 1;
    memset(&Machine->Crash, 0, sizeof(Machine->Crash));
    Machine->Crash.Bugchecked = 1;
    Machine->Crash.CrashDepth = depth;
    Machine->Crash.BugCheckCode = Code;
    Machine->Crash.BugCheckParameters[0] = P1;
    Machine->Crash.BugCheckParameters[1] = P2;
    Machine->Crash.BugCheckParameters[2] = P3;
    Machine->Crash.BugCheckParameters[3] = P4;
    Machine->Crash.PagingReads = Machine->PagingReads;
    Machine->Crash.Evictions = Machine->Evictions;

    if (Machine->DumpDirectory[0] != '\0') {
        XmWriteMinidump(Machine, Machine->Crash.DumpPath, sizeof(Machine->Crash.DumpPath));
        if ((Machine->Options.DumpKinds & XM_DUMP_KERNEL) != 0) {
            XmWriteKernelDump(Machine, Machine->Crash.KernelDumpPath, sizeof(Machine->Crash.KernelDumpPath));
        }
    }
    if (Machine->CrashJump == NULL) {
        abort();
    }
    longjmp(*Machine->CrashJump, 1);
}
