/*++

Module Name:

    xm_process.c

Abstract:

    Processes and threads and their entries in the pageable CID handle table:
    creation, exit, and the process that issues a batch's next operation.

Environment:

    User mode model.

--*/

#include <string.h>
#include "xm_model.h"

static uint32_t
XmCidAllocate(
    XM_MACHINE *Machine
    )
/*++

Routine Description:

    ExCreateHandle: the most recently freed handle first (so pids are reused, as
    Windows reuses them), else the next never-used one. The first entry of each
    handle-table page is reserved, as in Windows' tables. Returns the index, 0
    when the table is full.

--*/
{
    uint32_t index;

    if (Machine->CidFreeHead != 0) {
        index = Machine->CidFreeHead - 1;
        Machine->CidFreeHead = Machine->Cid[index].NextFree;
        return index;
    }
    while (Machine->CidNext < XM_CID_PAGES * XM_CID_PAGE_ENTRIES) {
        index = Machine->CidNext++;
        if (index % XM_CID_PAGE_ENTRIES != 0) {
            return index;
        }
    }
    return 0;
}

static void
XmCidFree(
    XM_MACHINE *Machine,
    uint32_t Index
    )
/*++

Routine Description:

    Puts a CID table entry back on the free list.

--*/
{
    Machine->Cid[Index].Process = NULL;
    Machine->Cid[Index].IsThread = 0;
    Machine->Cid[Index].NextFree = Machine->CidFreeHead;
    Machine->CidFreeHead = Index + 1;
}

XM_PROCESS *
XmProcessCreate(
    XM_MACHINE *Machine
    )
/*++

Routine Description:

    PspInsertProcess in short: a CID entry (writing it touches its page), the
    CID entries of its threads, a create time, the process-notify callouts.

--*/
{
    uint32_t slot, index, t;
    XM_PROCESS *process = NULL;

    for (slot = 0; slot < XM_MAX_PROCESSES; slot++) {
        if (!Machine->Processes[slot].InUse) {
            process = &Machine->Processes[slot];
            break;
        }
    }
    if (process == NULL) {
        return NULL;
    }
    index = XmCidAllocate(Machine);
    if (index == 0) {
        return NULL;
    }
    XmTouchPage(Machine, XmCidPageOf((uint64_t)index * 4), 1);

    memset(process, 0, sizeof(*process));
    for (t = 0; t < XM_THREADS_PER_PROCESS; t++) {
        process->ThreadIds[t] = XmCidAllocate(Machine);     // its threads: their tids spread the pids out
        if (process->ThreadIds[t] != 0) {
            Machine->Cid[process->ThreadIds[t]].IsThread = 1;
            XmTouchPage(Machine, XmCidPageOf((uint64_t)process->ThreadIds[t] * 4), 1);
        }
    }
    process->InUse = 1;
    process->Slot = slot;
    process->ProcessId = (uint64_t)index * 4;
    Machine->Clock += 1;                    // create times are distinct, as KeQuerySystemTime's are
    process->CreateTime = Machine->BootTime + Machine->Clock;
    process->References = 1;
    process->UserIndex = XM_NOT_USER;
    Machine->Cid[index].Process = process;
    if (Machine->Booted) {                  // boot-time processes are the system's, not the load's
        process->UserIndex = Machine->UserProcessCount;
        Machine->UserProcesses[Machine->UserProcessCount++] = process;
    }

    if (Machine->ProcessNotify != NULL) {
        Machine->ProcessNotify(Machine, process, 1);
    }
    return process;
}

void
XmProcessExit(
    XM_MACHINE *Machine,
    XM_PROCESS *Process
    )
/*++

Routine Description:

    Ends a process: the notify routine, then its threads' and its own CID
    entries go.

--*/
{
    uint32_t index = (uint32_t)(Process->ProcessId / 4), t;

    if (Machine->ProcessNotify != NULL) {
        Machine->ProcessNotify(Machine, Process, 0);
    }
    for (t = 0; t < XM_THREADS_PER_PROCESS; t++) {
        if (Process->ThreadIds[t] != 0) {
            XmTouchPage(Machine, XmCidPageOf((uint64_t)Process->ThreadIds[t] * 4), 1);
            XmCidFree(Machine, Process->ThreadIds[t]);
        }
    }
    XmTouchPage(Machine, XmCidPageOf(Process->ProcessId), 1);
    XmCidFree(Machine, index);
    if (Process->UserIndex != XM_NOT_USER) {
        XM_PROCESS *last = Machine->UserProcesses[--Machine->UserProcessCount];
        Machine->UserProcesses[Process->UserIndex] = last;
        last->UserIndex = Process->UserIndex;
        Process->UserIndex = XM_NOT_USER;
    }
    Process->InUse = 0;
}

XM_THREAD *
XmThreadCreate(
    XM_MACHINE *Machine,
    XM_PROCESS *Process
    )
/*++

Routine Description:

    Creates a thread of Process with a new CID entry.

--*/
{
    XM_THREAD *thread = &Machine->Threads[Machine->ThreadCount];
    uint32_t index = XmCidAllocate(Machine);

    memset(thread, 0, sizeof(*thread));
    thread->Slot = Machine->ThreadCount++;
    thread->ThreadId = (uint64_t)index * 4;
    thread->Process = Process;
    Machine->Cid[index].IsThread = 1;
    return thread;
}

uint32_t
XmUserProcessCount(
    XM_MACHINE *Machine
    )
/*++

Routine Description:

    How many user processes are alive.

--*/
{
    return Machine->UserProcessCount;
}

XM_PROCESS *
XmIssuingProcess(
    XM_MACHINE *Machine
    )
/*++

Routine Description:

    The process a file operation comes from. I/O is not spread evenly: a few
    processes (the busy eighth of the load's, services and the foreground
    application) issue nine operations in ten; the others wake up now and then,
    which is when a CID page that aged out of the working set is looked up.

--*/
{
    uint32_t busy = Machine->UserProcessCount / 8;

    if (busy > 0 && XmRandomBelow(&Machine->Random, 10) < 9) {
        return Machine->UserProcesses[XmRandomBelow(&Machine->Random, busy)];
    }
    return XmRandomUserProcess(Machine);
}
