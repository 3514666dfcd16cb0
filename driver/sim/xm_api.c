/*++

Module Name:

    xm_api.c

Abstract:

    The entry points of libxidmodel.so a test drives a booted machine with:
    the control device, processes, memory pressure, batches of file
    operations, the NMI, the crash and the statistics.

Environment:

    User mode model.

--*/

#include <stdlib.h>
#include <string.h>
#include "xm_model.h"

#define XM_TICKS_PER_OP     10000ull            // 1 ms of modelled time per file operation

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
/*++

Routine Description:

    Whether Handle is one XmOpenDevice returned and not yet closed.

--*/
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
    XM_MACHINE *Machine, uint32_t IoControlCode,
    const void *InputBuffer, uint32_t InputLength,
    void *OutputBuffer, uint32_t OutputLength,
    uint32_t *BytesReturned
    )
/*++

Routine Description:

    DeviceIoControl on a handle opened for this one request (see XmIoctl).

--*/
{
    return XmIoctl(Machine, 0, IoControlCode, InputBuffer, InputLength, OutputBuffer, OutputLength, BytesReturned);
}

int32_t
XmDeviceIoControlOnHandle(
    XM_MACHINE *Machine, uint64_t Handle, uint32_t IoControlCode,
    const void *InputBuffer, uint32_t InputLength,
    void *OutputBuffer, uint32_t OutputLength,
    uint32_t *BytesReturned
    )
/*++

Routine Description:

    DeviceIoControl on a handle XmOpenDevice returned; 0 is no such handle.

--*/
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
/*++

Routine Description:

    Creates a user process (the notify routine sees it) and returns its pid.

--*/
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
/*++

Routine Description:

    Ends a user process; the system and controller processes cannot be ended.

--*/
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
/*++

Routine Description:

    The pid of the process the test drives the machine from (0 before boot).

--*/
{
    return Machine->ControllerProcess != NULL ? Machine->ControllerProcess->ProcessId : 0;
}

int32_t
XmApplyMemoryPressure(
    XM_MACHINE *Machine,
    uint32_t Percent,
    uint64_t Seed
    )
/*++

Routine Description:

    One cycle of memory pressure trimming Percent of the working set, drawn
    from Seed.

--*/
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
/*++

Routine Description:

    Whether a batch profile is in range: workers, processes, an operation mix
    of 100%.

--*/
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
/*++

Routine Description:

    Copies what the last bugcheck (or hang) recorded.

--*/
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
/*++

Routine Description:

    The core's statistics (XF_STATS), as IOCTL_XF_GET_STATS would return them.

--*/
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
