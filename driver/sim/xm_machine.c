/*++

Module Name:

    xm_machine.c

Abstract:

    The modelled machine: kernel stacks and the double fault, processes and the
    CID handle table, the batches of file operations, and the exported entry
    points of libxidmodel.so. Pageable memory and its faults are xm_memory.c's.

    Frame sizes are plausible x64 figures, not measurements of one build: a
    KTRAP_FRAME is 0x190 bytes and sits on the stack at every system-call entry
    and every page fault; the memory manager's fault path and the filter
    manager's pre-callback worker are the other large frames. With them one
    level of re-entry (callback -> lookup -> fault -> paging read -> callback)
    costs 0x860 bytes, so about eleven levels exhaust the 0x6000-byte stack,
    which is the depth field dumps of this crash show.

Environment:

    User mode model.

--*/

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#ifdef _WIN32
#include <io.h>
#else
#include <fcntl.h>
#include <unistd.h>
#endif
#include "xm_model.h"

const XM_MODULE_INFO XmModules[XmModCount] = {
    { "\\SystemRoot\\system32\\ntoskrnl.exe",        0xfffff8047ba00000ull, 0x01046000u, 0x0d8333e6u, 0x00a5938cu },
    { "\\SystemRoot\\system32\\hal.dll",             0xfffff8047b944000ull, 0x000bc000u, 0x2b4a6d59u, 0x000c3a12u },
    { "\\SystemRoot\\System32\\drivers\\FLTMGR.SYS", 0xfffff80477e00000ull, 0x00074000u, 0x5a0d8f6bu, 0x0007d1e4u },
    { "\\SystemRoot\\System32\\drivers\\xidfilter.sys", 0xfffff8047a3c0000ull, 0x00009000u, 0x6560b2a1u, 0x0000f3c8u },
    { "\\SystemRoot\\System32\\Drivers\\Ntfs.sys",    0xfffff80478200000ull, 0x002f8000u, 0x3f0e6a77u, 0x002ff2b4u },
};

//
//  Name, module, function RVA, offset of the return address of the call it
//  makes, frame bytes.
//
const XM_FUNCTION_INFO XmFunctions[XmFnCount] = {
    [XmFnKiSystemServiceCopyEnd]    = { "KiSystemServiceCopyEnd",     XmModNtoskrnl,  0x40e600, 0x0b5, 0x190 },
    [XmFnNtReadFile]                = { "NtReadFile",                 XmModNtoskrnl,  0x5d8a40, 0x3f1, 0x110 },
    [XmFnIopSynchronousServiceTail] = { "IopSynchronousServiceTail",  XmModNtoskrnl,  0x5e6a10, 0x1c6, 0x080 },
    [XmFnIofCallDriver]             = { "IofCallDriver",              XmModNtoskrnl,  0x2e0f30, 0x055, 0x040 },
    [XmFnFltpDispatch]              = { "FltpDispatch",               XmModFltMgr,    0x005f10, 0x06e, 0x080 },
    [XmFnFltpPerformPreCallbacks]   = { "FltpPerformPreCallbacksWorker", XmModFltMgr, 0x003c40, 0x2f8, 0x110 },
    [XmFnXfPreOperation]            = { "XfPreOperation",             XmModXidFilter, 0x001010, 0x04c, 0x060 },
    [XmFnXfCorePreOperation]        = { "XfCorePreOperation",         XmModXidFilter, 0x001840, 0x0d3, 0x070 },
    [XmFnXfSelfTestTouch]           = { "XfPlatSelfTestTouch",        XmModXidFilter, 0x001120, 0x028, 0x040 },
    [XmFnPsLookupProcessByProcessId]= { "PsLookupProcessByProcessId", XmModNtoskrnl,  0x5a4e60, 0x046, 0x050 },
    [XmFnPspReferenceCidTableEntry] = { "PspReferenceCidTableEntry",  XmModNtoskrnl,  0x5a4f30, 0x05a, 0x060 },
    [XmFnKiPageFault]               = { "KiPageFault",                XmModNtoskrnl,  0x40b900, 0x43a, 0x190 },
    [XmFnMmAccessFault]             = { "MmAccessFault",              XmModNtoskrnl,  0x2a8c30, 0x5c2, 0x150 },
    [XmFnMiIssueHardFault]          = { "MiIssueHardFault",           XmModNtoskrnl,  0x2fb9e0, 0x2d4, 0x100 },
    [XmFnMiPageRead]                = { "MiPageRead",                 XmModNtoskrnl,  0x2fc5a0, 0x1b7, 0x0c0 },
    [XmFnIoPageReadEx]              = { "IoPageReadEx",               XmModNtoskrnl,  0x2fd0a0, 0x08e, 0x070 },
    [XmFnNtDeviceIoControlFile]     = { "NtDeviceIoControlFile",      XmModNtoskrnl,  0x5db2c0, 0x056, 0x090 },
    [XmFnXfDeviceControl]           = { "XfDeviceControl",            XmModXidFilter, 0x001200, 0x060, 0x070 },
    [XmFnMiWaitForInPageComplete]   = { "MiWaitForInPageComplete",    XmModNtoskrnl,  0x2fa310, 0x0e1, 0x080 },
    [XmFnSmPageRead]                = { "SmPageRead",                 XmModNtoskrnl,  0x3b2c70, 0x1a4, 0x0f0 },
    [XmFnNtfsCommonRead]            = { "NtfsCommonRead",             XmModNtfs,      0x0152a0, 0x3c6, 0x1e0 },
    [XmFnKiDoubleFaultAbort]        = { "KiDoubleFaultAbort",         XmModNtoskrnl,  0x3d04c0, 0x2c3, 0x190 },
    [XmFnKiBugCheckDispatch]        = { "KiBugCheckDispatch",         XmModNtoskrnl,  0x3d58c0, 0x069, 0x140 },
    [XmFnKeBugCheckEx]              = { "KeBugCheckEx",               XmModNtoskrnl,  0x3f5e40, 0x000, 0x008 },
};

#define XM_PROCESS_VA_BASE  0xffffa58000000000ull
#define XM_THREAD_VA_BASE   0xffffa58400000000ull
#define XM_TICKS_PER_OP     10000ull            // 1 ms of modelled time per file operation
#define XM_FIRST_USER_PIDS  16u                 // system processes created at boot

/*************************************************************************
    Randomness: splitmix64, so a seed reproduces a run on any machine.
*************************************************************************/

uint64_t
XmRandomNext(
    XM_RANDOM *Random
    )
{
    uint64_t z = (Random->State += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint32_t
XmRandomBelow(
    XM_RANDOM *Random,
    uint32_t Bound
    )
{
    return Bound == 0 ? 0 : (uint32_t)(XmRandomNext(Random) % Bound);
}

/*************************************************************************
    Kernel stacks
*************************************************************************/

uint64_t
XmThreadAddress(
    XM_THREAD *Thread
    )
{
    return XM_THREAD_VA_BASE + (uint64_t)Thread->Slot * 0x800;
}

uint64_t
XmStackBase(
    const XM_THREAD *Thread
    )
/*++

Routine Description:

    Where a thread's 0x6000-byte kernel stack ends (its initial RSP side).
    Stacks are 0x8000 apart, so below each limit is an unmapped guard page and
    above each base an unmapped page, as Windows keeps them.

--*/
{
    return 0xffff850429898000ull + (uint64_t)Thread->Slot * 0x8000;
}

static void
XmDoubleFault(
    XM_MACHINE *Machine,
    uint32_t Function
    )
/*++

Routine Description:

    The frame of Function does not fit. The call into it pushes the return
    address; its prologue then moves RSP below the stack limit, and the first
    store there faults in the guard page. When the frames above fill the stack
    to its limit exactly, the call's own push is that first touch instead: the
    fault is at the caller's call instruction, with RSP at the limit (a fault
    leaves RSP as it was before the instruction). Either way the processor
    cannot push the page fault's frame onto the guard page, so it raises a
    double fault, which runs on its own stack (TSS.IST[1]): KiDoubleFaultAbort
    saves a KTRAP_FRAME at the top of it and calls KeBugCheckEx through
    KiBugCheckDispatch. The parameters are laid out as Windows 8 and later lay
    them for 0x7F/8 (see dev.xidlab.crash.DoubleFaultAnalyzer): the trap
    frame, the RSP and the RIP of the fault.

--*/
{
    XM_THREAD *t = Machine->Current;
    const XM_FUNCTION_INFO *f = &Machine->Functions[Function];
    XM_DOUBLE_FAULT *df = &Machine->DoubleFault;
    uint64_t callerRsp = XmStackBase(t) - t->StackUsed;

    df->Thread = t;
    df->CallFaulted = t->StackUsed + 8 > XM_KERNEL_STACK_SIZE && t->FrameCount > 0;
    if (df->CallFaulted) {
        df->Function = t->Frames[t->FrameCount - 1];
        df->Rip = XmReturnAddress(Machine, df->Function) - XM_CALL_SIZE;
        df->Rsp = callerRsp;
    } else {
        df->Function = Function;
        df->Rip = Machine->Modules[f->Module].Base + f->Rva + 4;       // after the push of its prologue
        df->Rsp = callerRsp - f->FrameBytes;
    }
    df->TrapFrame = XM_IST_STACK_BASE - 0x20 - XM_TRAP_FRAME_SIZE;      // ...e50, as public dumps show it
    df->ContextRsp = df->TrapFrame - Machine->Functions[XmFnKiBugCheckDispatch].FrameBytes - 8;
    XmBugCheck(Machine, 0x1000007Full, 8, df->TrapFrame, df->Rsp, df->Rip);
}

void
XmPushFrame(
    XM_MACHINE *Machine,
    uint32_t Function
    )
/*++

Routine Description:

    Enters a modelled kernel function on the current thread. A frame that does
    not fit in what is left of the 0x6000-byte stack is the double fault: the
    processor cannot push the page-fault trap frame onto the guard page.

--*/
{
    XM_THREAD *t = Machine->Current;
    uint32_t cost = Machine->Functions[Function].FrameBytes;

    if (t->StackUsed + cost > XM_KERNEL_STACK_SIZE || t->FrameCount == XM_MAX_FRAMES) {
        XmDoubleFault(Machine, Function);
    }
    t->StackUsed += cost;
    t->Frames[t->FrameCount++] = (uint16_t)Function;
    if (t->FrameCount > t->MaxFrames) {
        t->MaxFrames = t->FrameCount;
    }
}

void
XmPopFrame(
    XM_MACHINE *Machine
    )
{
    XM_THREAD *t = Machine->Current;

    t->FrameCount--;
    t->StackUsed -= Machine->Functions[t->Frames[t->FrameCount]].FrameBytes;
}

/*************************************************************************
    Pages and faults
*************************************************************************/

uint32_t
XmCidPageOf(
    uint64_t Handle
    )
{
    return (uint32_t)((Handle / 4) / XM_CID_PAGE_ENTRIES);
}

/*************************************************************************
    Processes and the CID handle table
*************************************************************************/

void *
XmProcessAddress(
    XM_PROCESS *Process
    )
{
    return (void *)(uintptr_t)(XM_PROCESS_VA_BASE + (uint64_t)Process->Slot * 0x1000 + 0x80);
}

XM_PROCESS *
XmProcessFromAddress(
    XM_MACHINE *Machine,
    void *Address
    )
{
    uint64_t va = (uint64_t)(uintptr_t)Address;
    uint64_t slot;

    if (va < XM_PROCESS_VA_BASE) {
        return NULL;
    }
    slot = (va - XM_PROCESS_VA_BASE) >> 12;
    return slot < XM_MAX_PROCESSES ? &Machine->Processes[slot] : NULL;
}

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
{
    Machine->Cid[Index].Process = NULL;
    Machine->Cid[Index].IsThread = 0;
    Machine->Cid[Index].NextFree = Machine->CidFreeHead;
    Machine->CidFreeHead = Index + 1;
}

static XM_PROCESS *
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

    if (Machine->NotifyRegistered) {
        XmDriverProcessNotify(Machine, process, 1);
    }
    return process;
}

static void
XmProcessExit(
    XM_MACHINE *Machine,
    XM_PROCESS *Process
    )
{
    uint32_t index = (uint32_t)(Process->ProcessId / 4), t;

    if (Machine->NotifyRegistered) {
        XmDriverProcessNotify(Machine, Process, 0);
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

static XM_THREAD *
XmThreadCreate(
    XM_MACHINE *Machine,
    XM_PROCESS *Process
    )
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

static uint32_t
XmUserProcessCount(
    XM_MACHINE *Machine
    )
{
    return Machine->UserProcessCount;
}

XM_PROCESS *
XmRandomUserProcess(
    XM_MACHINE *Machine
    )
{
    if (Machine->UserProcessCount == 0) {
        return Machine->SystemProcess;
    }
    return Machine->UserProcesses[XmRandomBelow(&Machine->Random, Machine->UserProcessCount)];
}

static XM_PROCESS *
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

/*************************************************************************
    Bugcheck
*************************************************************************/

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

/*************************************************************************
    Entry points
*************************************************************************/

XM_MACHINE *
XmCreate(
    void
    )
{
    XM_MACHINE *m = calloc(1, sizeof(XM_MACHINE));
    XM_ENVIRONMENT defaults;

    if (m == NULL) {
        return NULL;
    }
    pthread_mutex_init(&m->Lock, NULL);
    pthread_mutex_init(&m->CoreLock, NULL);
    m->Options.Size = sizeof(m->Options);
    m->Options.DumpKinds = XM_DUMP_MINI;
    m->Options.PagingPath = XM_PAGING_FILESYSTEM;
    m->Options.SameThreadFault = XM_SAME_THREAD_REFAULT;
    m->Options.PagingRequestor = XM_REQUESTOR_FAULTING_THREAD;
    memset(&defaults, 0, sizeof(defaults));
    defaults.Size = sizeof(defaults);
    defaults.Build = XM_DEFAULT_BUILD;
    defaults.Processors = XM_DEFAULT_PROCESSORS;
    defaults.FilterAltitudeThousandths = XM_DEFAULT_ALTITUDE;
    defaults.PhysicalPages = XM_DEFAULT_PHYSICAL_PAGES;
    XmFltInstallEnvironment(m, &defaults);
    return m;
}

int32_t
XmConfigure(
    XM_MACHINE *Machine,
    const XM_OPTIONS *Options
    )
{
    if (Options == NULL || Options->Size != sizeof(XM_OPTIONS) ||
        (Options->DumpKinds & ~(XM_DUMP_MINI | XM_DUMP_KERNEL)) != 0 || (Options->DumpKinds & XM_DUMP_MINI) == 0 ||
        Options->PagingPath > XM_PAGING_STORE || Options->SameThreadFault > XM_SAME_THREAD_WAIT ||
        Options->PagingRequestor > XM_REQUESTOR_ANY_PROCESS) {
        return XM_STATUS_INVALID_PARAMETER;
    }
    pthread_mutex_lock(&Machine->Lock);
    Machine->Options = *Options;
    pthread_mutex_unlock(&Machine->Lock);
    return XM_STATUS_SUCCESS;
}

int32_t
XmSetEnvironment(
    XM_MACHINE *Machine,
    const XM_ENVIRONMENT *Environment
    )
/*++

Routine Description:

    Makes the machine the site's: the build, processors and memory its dumps
    record, and the filters loaded beside xidfilter, each a module of its own
    with its callback (xm_fltmgr.c). Takes effect from the next operation;
    nothing changes when the environment is refused.

--*/
{
    if (Environment == NULL || !XmFltEnvironmentValid(Environment)) {
        return XM_STATUS_INVALID_PARAMETER;
    }
    pthread_mutex_lock(&Machine->Lock);
    XmFltInstallEnvironment(Machine, Environment);
    pthread_mutex_unlock(&Machine->Lock);
    return XM_STATUS_SUCCESS;
}

void
XmDestroy(
    XM_MACHINE *Machine
    )
{
    if (Machine == NULL) {
        return;
    }
    pthread_mutex_destroy(&Machine->Lock);
    pthread_mutex_destroy(&Machine->CoreLock);
    free(Machine);
}

static uint64_t
XmNowAsSystemTime(
    void
    )
{
    struct timespec ts;

    clock_gettime(CLOCK_REALTIME, &ts);
    return ((uint64_t)ts.tv_sec + 11644473600ull) * 10000000ull + (uint64_t)ts.tv_nsec / 100;
}

int32_t
XmBoot(
    XM_MACHINE *Machine,
    const char *DumpDirectory
    )
/*++

Routine Description:

    A clean boot: every pageable page in the working set, the system processes, the
    controller process, a system thread, the controller's thread and 64 worker
    threads. The driver is not loaded; the service key is kept.

--*/
{
    XM_SERVICE_KEY key;
    uint32_t i;
    jmp_buf jump;

    pthread_mutex_lock(&Machine->Lock);

    key = Machine->ServiceKey;
    memset(Machine->Processes, 0, sizeof(Machine->Processes));
    memset(Machine->Cid, 0, sizeof(Machine->Cid));
    memset(Machine->Threads, 0, sizeof(Machine->Threads));
    memset(&Machine->Filter, 0, sizeof(Machine->Filter));
    memset(&Machine->Crash, 0, sizeof(Machine->Crash));
    memset(&Machine->Core, 0, sizeof(Machine->Core));
    Machine->ServiceKey = key;
    Machine->Crashed = 0;
    Machine->Hung = 0;
    Machine->HungThread = NULL;
    memset(&Machine->DoubleFault, 0, sizeof(Machine->DoubleFault));
    Machine->DriverLoaded = 0;
    Machine->NotifyRegistered = 0;
    memset(Machine->Handles, 0, sizeof(Machine->Handles));
    Machine->HandleCount = 0;
    Machine->CidFreeHead = 0;
    Machine->CidNext = 0;
    Machine->ThreadCount = 0;
    Machine->UserProcessCount = 0;
    Machine->Booted = 0;
    Machine->PagingReads = 0;
    Machine->Evictions = 0;
    Machine->SoftFaults = 0;
    Machine->HardFaults = 0;
    Machine->CollidedFaults = 0;
    Machine->SameThreadFaults = 0;
    Machine->StoreReads = 0;
    Machine->OperationNumber = 0;
    Machine->Workers = 1;
    Machine->Clock = 0;
    Machine->BootTime = XmNowAsSystemTime();
    Machine->Random.State = 0x5851f42d4c957f2dull;
    Machine->DumpDirectory[0] = '\0';
    if (DumpDirectory != NULL) {
        strncpy(Machine->DumpDirectory, DumpDirectory, sizeof(Machine->DumpDirectory) - 1);
    }
    XmMemoryBoot(Machine);

    //
    //  Handle 0 is never used; the System process is pid 4 and owns the first
    //  thread. Nothing can fault while every page is resident, so no crash
    //  target is needed yet; one is set anyway so a model bug cannot abort().
    //
    Machine->CrashJump = &jump;
    if (setjmp(jump) != 0) {
        Machine->CrashJump = NULL;
        pthread_mutex_unlock(&Machine->Lock);
        return XM_STATUS_MACHINE_CRASHED;
    }
    Machine->CidNext = 1;
    Machine->Current = &Machine->Threads[0];
    Machine->Threads[0].Slot = 0;
    Machine->SystemProcess = XmProcessCreate(Machine);
    Machine->Current = XmThreadCreate(Machine, Machine->SystemProcess);
    for (i = 1; i < XM_FIRST_USER_PIDS - 2; i++) {
        XmProcessCreate(Machine);          // smss, csrss, wininit, services, lsass, svchost ...
    }
    Machine->ControllerProcess = XmProcessCreate(Machine);
    Machine->ControllerThread = XmThreadCreate(Machine, Machine->ControllerProcess);
    while (Machine->ThreadCount < XM_MAX_THREADS) {
        XmThreadCreate(Machine, Machine->SystemProcess);
    }
    Machine->CrashJump = NULL;
    Machine->Booted = 1;

    pthread_mutex_unlock(&Machine->Lock);
    return XM_STATUS_SUCCESS;
}

int32_t
XmLoadServiceKey(
    XM_MACHINE *Machine,
    const char *Path
    )
{
    XM_SERVICE_KEY key;
    FILE *f = fopen(Path, "rb");
    size_t n;

    if (f == NULL) {
        return XM_STATUS_OBJECT_NAME_NOT_FOUND;
    }
    n = fread(&key, 1, sizeof(key), f);
    fclose(f);
    if (n != sizeof(key)) {
        return XM_STATUS_INVALID_PARAMETER;
    }
    pthread_mutex_lock(&Machine->Lock);
    Machine->ServiceKey = key;
    pthread_mutex_unlock(&Machine->Lock);
    return XM_STATUS_SUCCESS;
}

//
//  Durability of the files the machine saves (see XmSaveServiceKey).
//

static int
XmSyncFile(
    int Fd
    )
/*++
Routine Description:
    Forces a file's data to the disk; nonzero on success.
--*/
{
#ifdef _WIN32
    return _commit(Fd) == 0;
#else
    return fsync(Fd) == 0;
#endif
}

static void
XmSyncDirectoryOf(
    const char *Path
    )
/*++
Routine Description:
    Forces the directory entry of a renamed file to the disk, where the OS
    needs it (POSIX); best effort: the data itself is already synced.
--*/
{
#ifndef _WIN32
    char dir[4096];
    const char *slash = strrchr(Path, '/');
    int fd;

    if (slash == NULL) {
        snprintf(dir, sizeof(dir), ".");
    } else if (snprintf(dir, sizeof(dir), "%.*s", (int)(slash - Path), Path) >= (int)sizeof(dir)) {
        return;
    }
    fd = open(dir[0] != '\0' ? dir : "/", O_RDONLY);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
#else
    (void)Path;
#endif
}

int32_t
XmSaveServiceKey(
    XM_MACHINE *Machine,
    const char *Path
    )
{
    XM_SERVICE_KEY key;
    FILE *f;
    size_t n;
    int ok;
    char tmp[4096];

    pthread_mutex_lock(&Machine->Lock);
    key = Machine->ServiceKey;
    pthread_mutex_unlock(&Machine->Lock);

    //
    //  The key is what the next boot of the machine loads the driver from, and
    //  the next boot often follows a real kernel panic of the stand-in guest
    //  within seconds: a key left in the page cache comes back as an empty
    //  file. Written beside, synced, then renamed over the old one, so a panic
    //  leaves either the old key or the new one, never a torn one.
    //
    if (snprintf(tmp, sizeof(tmp), "%s.tmp", Path) >= (int)sizeof(tmp)) {
        return XM_STATUS_INVALID_PARAMETER;
    }
    f = fopen(tmp, "wb");
    if (f == NULL) {
        return XM_STATUS_OBJECT_NAME_NOT_FOUND;
    }
    n = fwrite(&key, 1, sizeof(key), f);
    ok = n == sizeof(key) && fflush(f) == 0 && XmSyncFile(fileno(f));
    ok = fclose(f) == 0 && ok;
    if (!ok || rename(tmp, Path) != 0) {
        remove(tmp);
        return XM_STATUS_INSUFFICIENT_RESOURCES;
    }
    XmSyncDirectoryOf(Path);
    return XM_STATUS_SUCCESS;
}

//
//  Every entry point that runs modelled kernel code does it under the machine
//  lock with a crash target set: a bugcheck anywhere below unwinds here.
//
#define XM_DOWN(Machine) ((Machine)->Hung ? XM_STATUS_MACHINE_HUNG : XM_STATUS_MACHINE_CRASHED)

#define XM_ENTER(Machine, jump)                                 \
    pthread_mutex_lock(&(Machine)->Lock);                       \
    if ((Machine)->Crashed || !(Machine)->Booted) {             \
        pthread_mutex_unlock(&(Machine)->Lock);                 \
        return XM_DOWN(Machine);                                \
    }                                                           \
    (Machine)->CrashJump = &(jump);                             \
    if (setjmp(jump) != 0) {                                    \
        (Machine)->CrashJump = NULL;                            \
        pthread_mutex_unlock(&(Machine)->Lock);                 \
        return XM_DOWN(Machine);                                \
    }

#define XM_LEAVE(Machine)                                       \
    (Machine)->CrashJump = NULL;                                \
    pthread_mutex_unlock(&(Machine)->Lock)

int32_t
XmLoadDriver(
    XM_MACHINE *Machine
    )
{
    jmp_buf jump;
    int32_t status;

    XM_ENTER(Machine, jump);

    //
    //  A handle that outlived a mandatory unload still holds the previous
    //  instance's device object, and so its driver object and image: the
    //  model refuses a new load until it closes.
    //
    if (Machine->DriverLoaded || Machine->HandleCount != 0) {
        XM_LEAVE(Machine);
        return XM_STATUS_ALREADY_LOADED;
    }
    Machine->Current = Machine->ControllerThread;
    status = XmDriverEntry(Machine);
    Machine->DriverLoaded = status >= 0;
    XM_LEAVE(Machine);
    return status;
}

static int32_t
XmUnload(
    XM_MACHINE *Machine,
    int Mandatory
    )
/*++

Routine Description:

    The filter manager unloading xidfilter: its FilterUnload callback may
    refuse a non-mandatory unload.

--*/
{
    jmp_buf jump;
    int32_t status;

    XM_ENTER(Machine, jump);
    if (!Machine->DriverLoaded) {
        XM_LEAVE(Machine);
        return XM_STATUS_NO_SUCH_DEVICE;
    }
    Machine->Current = Machine->ControllerThread;
    status = XmDriverUnload(Machine, Mandatory);
    if (status >= 0 || Mandatory) {
        Machine->DriverLoaded = 0;
    }
    XM_LEAVE(Machine);
    return Mandatory ? XM_STATUS_SUCCESS : status;
}

int32_t
XmUnloadDriver(
    XM_MACHINE *Machine
    )
{
    return XmUnload(Machine, 0);
}

int32_t
XmStopDriver(
    XM_MACHINE *Machine
    )
{
    return XmUnload(Machine, 1);
}

int32_t
XmFailNextRegistration(
    XM_MACHINE *Machine,
    int32_t Status
    )
{
    if (Status >= 0) {
        return XM_STATUS_INVALID_PARAMETER;
    }
    pthread_mutex_lock(&Machine->Lock);
    Machine->Filter.FailNextRegistration = Status;
    pthread_mutex_unlock(&Machine->Lock);
    return XM_STATUS_SUCCESS;
}

int32_t
XmOpenDevice(
    XM_MACHINE *Machine,
    uint64_t *Handle
    )
/*++

Routine Description:

    CreateFile on \\.\XidFilter: IRP_MJ_CREATE to the loaded driver.

--*/
{
    jmp_buf jump;
    uint32_t slot;
    int32_t status;

    *Handle = 0;
    XM_ENTER(Machine, jump);
    if (!Machine->DriverLoaded) {
        XM_LEAVE(Machine);
        return XM_STATUS_OBJECT_NAME_NOT_FOUND;
    }
    for (slot = 0; slot < XM_MAX_HANDLES && Machine->Handles[slot]; slot++) {
    }
    if (slot == XM_MAX_HANDLES) {
        XM_LEAVE(Machine);
        return XM_STATUS_INSUFFICIENT_RESOURCES;
    }
    Machine->Current = Machine->ControllerThread;
    status = XmDriverCreate(Machine);
    if (status >= 0) {
        Machine->Handles[slot] = 1;
        Machine->HandleCount++;
        *Handle = slot + 1;
    }
    XM_LEAVE(Machine);
    return status;
}

static int
XmHandleValid(
    XM_MACHINE *Machine,
    uint64_t Handle
    )
{
    return Handle >= 1 && Handle <= XM_MAX_HANDLES && Machine->Handles[Handle - 1];
}

int32_t
XmCloseDevice(
    XM_MACHINE *Machine,
    uint64_t Handle
    )
/*++

Routine Description:

    CloseHandle: IRP_MJ_CLOSE to the driver instance the handle was opened
    on, which may have been unloaded (mandatorily) since.

--*/
{
    jmp_buf jump;

    XM_ENTER(Machine, jump);
    if (!XmHandleValid(Machine, Handle)) {
        XM_LEAVE(Machine);
        return XM_STATUS_INVALID_HANDLE;
    }
    Machine->Current = Machine->ControllerThread;
    XmDriverClose(Machine);
    Machine->Handles[Handle - 1] = 0;
    Machine->HandleCount--;
    XM_LEAVE(Machine);
    return XM_STATUS_SUCCESS;
}

static int32_t
XmIoctl(
    XM_MACHINE *Machine,
    uint64_t Handle,
    uint32_t IoControlCode,
    const void *InputBuffer,
    uint32_t InputLength,
    void *OutputBuffer,
    uint32_t OutputLength,
    uint32_t *BytesReturned
    )
/*++

Routine Description:

    DeviceIoControl on \\.\XidFilter. METHOD_BUFFERED as the I/O manager does
    it: one system buffer of the larger length holds the input and receives
    the output, and only on success are BytesReturned bytes copied back.
    Handle 0 is a handle opened for this one request and closed after it, as
    a process that runs one request (xidlab driver raw) does; another is one
    XmOpenDevice returned, which may outlive the driver instance it reaches.

--*/
{
    jmp_buf jump;
    uint8_t *system;
    uint32_t length = InputLength > OutputLength ? InputLength : OutputLength;
    uint32_t information = 0;
    int32_t status;

    *BytesReturned = 0;
    if ((InputLength != 0 && InputBuffer == NULL) || (OutputLength != 0 && OutputBuffer == NULL)) {
        return XM_STATUS_INVALID_PARAMETER;
    }
    system = calloc(1, length == 0 ? 1 : length);
    if (system == NULL) {
        return XM_STATUS_INSUFFICIENT_RESOURCES;
    }
    if (InputLength != 0) {
        memcpy(system, InputBuffer, InputLength);
    }

    pthread_mutex_lock(&Machine->Lock);
    if (Machine->Crashed || !Machine->Booted) {
        pthread_mutex_unlock(&Machine->Lock);
        free(system);
        return XM_DOWN(Machine);
    }
    if (Handle == 0 ? !Machine->DriverLoaded : !XmHandleValid(Machine, Handle)) {
        pthread_mutex_unlock(&Machine->Lock);
        free(system);
        return Handle == 0 ? XM_STATUS_OBJECT_NAME_NOT_FOUND : XM_STATUS_INVALID_HANDLE;
    }
    Machine->CrashJump = &jump;
    if (setjmp(jump) != 0) {
        Machine->CrashJump = NULL;
        pthread_mutex_unlock(&Machine->Lock);
        free(system);
        return XM_DOWN(Machine);
    }

    Machine->Current = Machine->ControllerThread;
    status = Handle == 0 ? XmDriverCreate(Machine) : XM_STATUS_SUCCESS;
    if (status >= 0) {
        XmPushFrame(Machine, XmFnKiSystemServiceCopyEnd);
        XmPushFrame(Machine, XmFnNtDeviceIoControlFile);
        XmPushFrame(Machine, XmFnIofCallDriver);
        status = XmDriverDeviceControl(Machine, IoControlCode, system, InputLength, system, OutputLength,
                                       &information);
        XmPopFrame(Machine);
        XmPopFrame(Machine);
        XmPopFrame(Machine);
        if (Handle == 0) {
            XmDriverClose(Machine);
        }
    }

    XM_LEAVE(Machine);

    if (status >= 0 && information > 0) {
        memcpy(OutputBuffer, system, information);
        *BytesReturned = information;
    }
    free(system);
    return status;
}

int32_t
XmDeviceIoControl(
    XM_MACHINE *Machine,
    uint32_t IoControlCode,
    const void *InputBuffer,
    uint32_t InputLength,
    void *OutputBuffer,
    uint32_t OutputLength,
    uint32_t *BytesReturned
    )
{
    return XmIoctl(Machine, 0, IoControlCode, InputBuffer, InputLength, OutputBuffer, OutputLength, BytesReturned);
}

int32_t
XmDeviceIoControlOnHandle(
    XM_MACHINE *Machine,
    uint64_t Handle,
    uint32_t IoControlCode,
    const void *InputBuffer,
    uint32_t InputLength,
    void *OutputBuffer,
    uint32_t OutputLength,
    uint32_t *BytesReturned
    )
{
    if (Handle == 0) {
        *BytesReturned = 0;
        return XM_STATUS_INVALID_HANDLE;
    }
    return XmIoctl(Machine, Handle, IoControlCode, InputBuffer, InputLength, OutputBuffer, OutputLength,
                   BytesReturned);
}

int32_t
XmCreateProcess(
    XM_MACHINE *Machine,
    uint64_t *ProcessId
    )
{
    jmp_buf jump;
    XM_PROCESS *process;

    XM_ENTER(Machine, jump);
    Machine->Current = Machine->ControllerThread;
    process = XmProcessCreate(Machine);
    XM_LEAVE(Machine);
    if (process == NULL) {
        return XM_STATUS_INSUFFICIENT_RESOURCES;
    }
    *ProcessId = process->ProcessId;
    return XM_STATUS_SUCCESS;
}

int32_t
XmExitProcess(
    XM_MACHINE *Machine,
    uint64_t ProcessId
    )
{
    jmp_buf jump;
    uint64_t index = ProcessId / 4;
    XM_PROCESS *process;

    XM_ENTER(Machine, jump);
    process = (ProcessId % 4 == 0 && index < XM_CID_PAGES * XM_CID_PAGE_ENTRIES)
            ? Machine->Cid[index].Process : NULL;
    if (process == NULL || process == Machine->SystemProcess || process == Machine->ControllerProcess) {
        XM_LEAVE(Machine);
        return XM_STATUS_INVALID_CID;
    }
    Machine->Current = Machine->ControllerThread;
    XmProcessExit(Machine, process);
    XM_LEAVE(Machine);
    return XM_STATUS_SUCCESS;
}

uint64_t
XmControllerProcessId(
    XM_MACHINE *Machine
    )
{
    return Machine->ControllerProcess != NULL ? Machine->ControllerProcess->ProcessId : 0;
}

int32_t
XmApplyMemoryPressure(
    XM_MACHINE *Machine,
    uint32_t Percent,
    uint64_t Seed
    )
{
    jmp_buf jump;

    if (Percent > 100) {
        return XM_STATUS_INVALID_PARAMETER;
    }
    XM_ENTER(Machine, jump);
    Machine->Random.State = Seed;
    XmPressureCycle(Machine, Percent, 0);
    XM_LEAVE(Machine);
    return XM_STATUS_SUCCESS;
}

static int
XmProfileValid(
    const XM_PROFILE *Profile
    )
{
    return Profile->Workers >= 1 && Profile->Workers <= 64 &&
           Profile->Processes >= 1 && Profile->Processes <= 4096 &&
           Profile->CreatePercent + Profile->ReadPercent + Profile->WritePercent == 100 &&
           Profile->PressurePercent <= 100 && (Profile->PressureFlags & ~XM_PRESSURE_PURGE_LISTS) == 0 &&
           Profile->Reserved == 0;
}

static void
XmRunOperation(
    XM_MACHINE *Machine,
    const XM_PROFILE *Profile,
    uint64_t Index
    )
/*++

Routine Description:

    One file operation of the load on a worker thread: a system call into the
    I/O manager, down the filter stack; a cached read that misses the cache
    also pages the file's data in with a paging read.

--*/
{
    XM_THREAD *worker = &Machine->Threads[2 + (Index % Profile->Workers)];
    uint32_t pick = XmRandomBelow(&Machine->Random, 100);
    uint32_t operation = pick < Profile->CreatePercent ? XF_OP_CREATE
                       : pick < Profile->CreatePercent + Profile->ReadPercent ? XF_OP_READ : XF_OP_WRITE;
    uint32_t flags = 0;

    if (operation != XF_OP_CREATE && XmRandomBelow(&Machine->Random, 100) < 30) {
        flags |= XM_IRP_NOCACHE;
    }

    worker->Process = XmIssuingProcess(Machine);
    worker->StackUsed = 0;
    worker->FrameCount = 0;
    Machine->Current = worker;

    XmPushFrame(Machine, XmFnKiSystemServiceCopyEnd);
    XmPushFrame(Machine, XmFnNtReadFile);
    XmPushFrame(Machine, XmFnIopSynchronousServiceTail);
    XmFltDispatch(Machine, operation, flags, worker->Process);
    if (operation == XF_OP_READ && flags == 0 && XmRandomBelow(&Machine->Random, 100) < 20) {
        Machine->PagingReads++;
        XmFltDispatch(Machine, XF_OP_READ, XM_IRP_PAGING_IO | XM_IRP_NOCACHE, worker->Process);
    }
    XmPopFrame(Machine);
    XmPopFrame(Machine);
    XmPopFrame(Machine);
    Machine->Clock += XM_TICKS_PER_OP;
    Machine->OperationNumber++;
}

static void
XmChurn(
    XM_MACHINE *Machine,
    const XM_PROFILE *Profile
    )
/*++

Routine Description:

    Keeps Profile->Processes user processes alive: one exits and one starts,
    which reuses the pid just freed.

--*/
{
    Machine->Current = &Machine->Threads[0];      // the System thread starts and reaps processes
    Machine->Current->StackUsed = 0;
    Machine->Current->FrameCount = 0;
    if (XmUserProcessCount(Machine) >= Profile->Processes) {
        XmProcessExit(Machine, XmRandomUserProcess(Machine));
    }
    while (XmUserProcessCount(Machine) < Profile->Processes) {
        if (XmProcessCreate(Machine) == NULL) {
            break;
        }
    }
}

int32_t
XmRunBatch(
    XM_MACHINE *Machine,
    const XM_PROFILE *Profile,
    XM_RESULT *Result
    )
/*++

Routine Description:

    Runs a load. The machine lock is taken per operation, so requests from
    other threads (configuration changes, statistics) interleave with the load
    as they would on a real machine.

--*/
{
    jmp_buf jump;
    volatile uint64_t done = 0;
    volatile uint64_t i;

    memset(Result, 0, sizeof(*Result));
    if (!XmProfileValid(Profile)) {
        return XM_STATUS_INVALID_PARAMETER;
    }
    pthread_mutex_lock(&Machine->Lock);
    if (Machine->Crashed || !Machine->Booted) {
        pthread_mutex_unlock(&Machine->Lock);
        return XM_DOWN(Machine);                // a crash of an earlier batch is not this batch's
    }
    pthread_mutex_unlock(&Machine->Lock);

    for (i = 0; i < Profile->Operations; i++) {
        pthread_mutex_lock(&Machine->Lock);
        if (Machine->Crashed || !Machine->Booted) {
            pthread_mutex_unlock(&Machine->Lock);
            break;
        }
        if (i == 0) {
            Machine->Random.State = Profile->Seed;
            Machine->Workers = Profile->Workers;
        }
        Machine->CrashJump = &jump;
        if (setjmp(jump) != 0) {
            Machine->CrashJump = NULL;
            pthread_mutex_unlock(&Machine->Lock);
            break;
        }
        if (i % XM_CHURN_INTERVAL == 0) {
            XmChurn(Machine, Profile);
        }
        if (Profile->PressurePercent > 0 && i % XM_PRESSURE_INTERVAL == XM_PRESSURE_INTERVAL - 1) {
            XmPressureCycle(Machine, Profile->PressurePercent, Profile->PressureFlags);
        }
        XmRunOperation(Machine, Profile, i);
        done++;
        XM_LEAVE(Machine);
    }

    pthread_mutex_lock(&Machine->Lock);
    if (Machine->Crashed) {
        *Result = Machine->Crash;
    }
    Result->Operations = done;
    Result->PagingReads = Machine->PagingReads;
    Result->Evictions = Machine->Evictions;
    Result->SoftFaults = Machine->SoftFaults;
    Result->HardFaults = Machine->HardFaults;
    Result->CollidedFaults = Machine->CollidedFaults;
    Result->SameThreadFaults = Machine->SameThreadFaults;
    Result->StoreReads = Machine->StoreReads;
    pthread_mutex_unlock(&Machine->Lock);
    return Machine->Crashed ? XM_DOWN(Machine) : XM_STATUS_SUCCESS;
}

int32_t
XmInjectNmi(
    XM_MACHINE *Machine,
    XM_RESULT *Result
    )
/*++

Routine Description:

    The host's diagnostic NMI to a hung machine. Windows 8 and later always
    bugcheck on an NMI: 0x80 NMI_HARDWARE_FAILURE, 0x004F4454 ('TDO') as the
    first parameter, the dump written as for any crash. The model writes the
    minidump of it with the hung thread's stack (XmWriteNmiMinidump); a kernel
    memory dump, which it writes only for a double fault, it does not.

--*/
{
    uint32_t i;

    memset(Result, 0, sizeof(*Result));
    pthread_mutex_lock(&Machine->Lock);
    if (!Machine->Hung || Machine->HungThread == NULL) {
        int32_t status = Machine->Crashed ? XM_STATUS_MACHINE_CRASHED : XM_STATUS_INVALID_DEVICE_STATE;
        pthread_mutex_unlock(&Machine->Lock);
        return status;
    }
    Machine->Hung = 0;                          // bugchecked now: it answers XM_STATUS_MACHINE_CRASHED
    Machine->Crash.Bugchecked = 1;
    Machine->Crash.CrashDepth = Machine->Crash.HungDepth;
    Machine->Crash.BugCheckCode = 0x80;
    Machine->Crash.BugCheckParameters[0] = 0x004F4454;
    for (i = 1; i < 4; i++) {
        Machine->Crash.BugCheckParameters[i] = 0;
    }
    Machine->Crash.PagingReads = Machine->PagingReads;
    Machine->Crash.Evictions = Machine->Evictions;
    if (Machine->DumpDirectory[0] != '\0') {
        XmWriteNmiMinidump(Machine, Machine->HungThread, Machine->Crash.DumpPath, sizeof(Machine->Crash.DumpPath));
    }
    *Result = Machine->Crash;
    pthread_mutex_unlock(&Machine->Lock);
    return XM_STATUS_SUCCESS;
}

int32_t
XmGetCrash(
    XM_MACHINE *Machine,
    XM_RESULT *Result
    )
{
    pthread_mutex_lock(&Machine->Lock);
    *Result = Machine->Crash;
    pthread_mutex_unlock(&Machine->Lock);
    return XM_STATUS_SUCCESS;
}

int32_t
XmReadStats(
    XM_MACHINE *Machine,
    void *Stats,
    uint32_t Length
    )
{
    XF_STATS stats;
    int32_t status = XM_STATUS_SUCCESS;

    if (Length < sizeof(stats)) {
        return (int32_t)0xC0000023;             // STATUS_BUFFER_TOO_SMALL
    }
    pthread_mutex_lock(&Machine->Lock);
    if (Machine->Core.Platform == NULL) {
        status = XM_STATUS_NO_SUCH_DEVICE;
    } else {
        XfCoreReadStats(&Machine->Core, &stats);
        memcpy(Stats, &stats, sizeof(stats));
    }
    pthread_mutex_unlock(&Machine->Lock);
    return status;
}
