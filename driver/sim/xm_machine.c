/*++

Module Name:

    xm_machine.c

Abstract:

    The modelled machine's life: creating, configuring and destroying it,
    the boot, the driver's service key (kept in a file between runs) and
    loading and unloading the driver. Exported from libxidmodel.so.

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

#define XM_FIRST_USER_PIDS  16u                 // system processes created at boot

XM_MACHINE *
XmCreate(
    void
    )
/*++

Routine Description:

    Allocates a machine with the default options and environment; XmBoot
    starts it.

--*/
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
    m->PagingRead = XmFltDispatchFile;
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
/*++

Routine Description:

    Sets the model's options (dumps, paging path, same-thread faults,
    requestor) after checking them.

--*/
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
/*++

Routine Description:

    Frees a machine XmCreate made.

--*/
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
/*++

Routine Description:

    The wall clock as a Windows system time (100 ns since 1601).

--*/
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
    Machine->ProcessNotify = NULL;
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
/*++

Routine Description:

    Reads the driver's service key from a file XmSaveServiceKey wrote.

--*/
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
/*++

Routine Description:

    Writes the driver's service key to a file, atomically (temporary file,
    sync, rename).

--*/
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

int32_t
XmLoadDriver(
    XM_MACHINE *Machine
    )
/*++

Routine Description:

    Loads xidfilter: DriverEntry on the controller thread.

--*/
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
/*++

Routine Description:

    fltmc unload: an unload the driver may refuse.

--*/
{
    return XmUnload(Machine, 0);
}

int32_t
XmStopDriver(
    XM_MACHINE *Machine
    )
/*++

Routine Description:

    sc stop / a mandatory unload: the driver cannot refuse it.

--*/
{
    return XmUnload(Machine, 1);
}

int32_t
XmFailNextRegistration(
    XM_MACHINE *Machine,
    int32_t Status
    )
/*++

Routine Description:

    Makes the next FltRegisterFilter fail with Status (an NTSTATUS error).

--*/
{
    if (Status >= 0) {
        return XM_STATUS_INVALID_PARAMETER;
    }
    pthread_mutex_lock(&Machine->Lock);
    Machine->Filter.FailNextRegistration = Status;
    pthread_mutex_unlock(&Machine->Lock);
    return XM_STATUS_SUCCESS;
}
