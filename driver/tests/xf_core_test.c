/*++

Module Name:

    xf_core_test.c

Abstract:

    Specification tests of the portable core's decisions (the files of driver/core)
    against a scripted platform: the XfPlat* routines below answer what each
    case sets up and record what the core asked for. Re-entry is simulated the
    way a kernel produces it: the platform's page touch or lookup calls
    XfCorePreOperation again on the same C stack, as a page fault's paging read
    would reach the filter again.

    Built with -Wall -Wextra -Werror -Wconversion -Wsign-conversion together
    with the core and run by src/test/java/dev/xidlab/driver/CoreSpecificationTest.
    Prints "ok NAME" or "not ok NAME: WHY" per case; exits 0 when all passed.

Environment:

    User mode, gcc.

--*/

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "../core/xf_core.h"

/*************************************************************************
    The scripted platform
*************************************************************************/

#define XT_MAX_TOUCHES  64u
#define XT_MAX_STATUSES 4u

typedef struct _XT_PLATFORM {
    XF_U64 Thread;                  // XfPlatCurrentThread
    XF_U32 Remaining;               // XfPlatRemainingStack
    XF_U32 Target;                  // XfPlatPagingIoTarget

    XF_U32 Touches[XT_MAX_TOUCHES]; // pages XfPlatSelfTestTouch was asked for, in order
    XF_U32 TouchCount;
    int ReenterOnTouch;             // a touch re-enters with a paging read of the image

    XF_U32 ThreadChain;             // lookups that re-enter on a new thread, still to go

    XF_NTSTATUS ReregisterStatuses[XT_MAX_STATUSES];
    XF_U32 ReregisterCalls;
    XF_U32 ReregisterFlags[XT_MAX_STATUSES][XF_OP_COUNT];

    int LockHeld;
    int LockGone;                   // the kernel deleted its ERESOURCE: taking it now is a bug
    int Waits;                      // XfPlatDrainWait calls
    int Signals;                    // XfPlatDrainSignal calls
    int UnloadDuringLookup;         // the next lookup runs a mandatory unload, as another thread would
    XF_NTSTATUS UnloadStatus;
    int Failed;
    char Why[200];
} XT_PLATFORM;

static XT_PLATFORM Xt;
static XF_CORE Core;

static void
XtFail(
    const char *Why
    )
{
    if (!Xt.Failed) {
        Xt.Failed = 1;
        snprintf(Xt.Why, sizeof(Xt.Why), "%s", Why);
    }
}

#define XT_CHECK(e) do { if (!(e)) { XtFail(#e); return; } } while (0)

static XF_OPERATION
XtPagingRead(
    void
    )
{
    XF_OPERATION operation;

    operation.Operation = XF_OP_READ;
    operation.IsPagingIo = 1;
    operation.IsNonCached = 1;
    operation.CallbackData = NULL;
    return operation;
}

XF_U64 XfPlatCurrentThread(XF_CORE *C) { (void)C; return Xt.Thread; }
XF_U32 XfPlatRemainingStack(XF_CORE *C) { (void)C; return Xt.Remaining; }
void XfPlatDereferenceProcess(XF_CORE *C, void *P) { (void)C; (void)P; }
XF_U64 XfPlatProcessCreateTime(XF_CORE *C, void *P) { (void)C; (void)P; return 1000; }
XF_U64 XfPlatProcessId(XF_CORE *C, void *P) { (void)C; (void)P; return 8; }
void *XfPlatRequestorProcess(XF_CORE *C, const XF_OPERATION *O) { (void)C; (void)O; return NULL; }
XF_U64 XfPlatRequestorProcessId(XF_CORE *C, const XF_OPERATION *O) { (void)C; (void)O; return 8; }
XF_U32 XfPlatPagingIoTarget(XF_CORE *C, const XF_OPERATION *O) { (void)C; (void)O; return Xt.Target; }
XF_NTSTATUS XfPlatSaveConfig(XF_CORE *C, const XF_CONFIG *Config) { (void)C; (void)Config; return XF_STATUS_SUCCESS; }

XF_NTSTATUS
XfPlatLookupProcess(
    XF_CORE *C,
    XF_U64 ProcessId,
    void **Process
    )
{
    static char process;
    XF_OPERATION operation = XtPagingRead();

    (void)ProcessId;
    if (Xt.UnloadDuringLookup) {
        Xt.UnloadDuringLookup = 0;
        Xt.UnloadStatus = XfCoreFilterUnload(C, 1);
    }
    if (Xt.ThreadChain > 0) {
        //
        //  Another thread enters the callback while this one is still in it.
        //
        XF_U64 thread = Xt.Thread;

        Xt.ThreadChain--;
        Xt.Thread = thread + 0x1000;
        XfCorePreOperation(C, &operation);
        Xt.Thread = thread;
    }
    *Process = &process;
    return XF_STATUS_SUCCESS;
}

void
XfPlatSelfTestTouch(
    XF_CORE *C,
    XF_U32 Page
    )
{
    XF_OPERATION operation = XtPagingRead();

    if (Xt.TouchCount < XT_MAX_TOUCHES) {
        Xt.Touches[Xt.TouchCount] = Page;
    }
    Xt.TouchCount++;
    if (Xt.ReenterOnTouch) {
        XfCorePreOperation(C, &operation);
    }
}

XF_NTSTATUS
XfPlatReregister(
    XF_CORE *C,
    const XF_U32 OperationFlags[XF_OP_COUNT]
    )
{
    XF_U32 call = Xt.ReregisterCalls++;

    (void)C;
    if (call >= XT_MAX_STATUSES) {
        return XF_STATUS_INSUFFICIENT_RESOURCES;
    }
    memcpy(Xt.ReregisterFlags[call], OperationFlags, sizeof(Xt.ReregisterFlags[call]));
    return Xt.ReregisterStatuses[call];
}

void
XfPlatLock(
    XF_CORE *C
    )
{
    (void)C;
    if (Xt.LockGone || Xt.LockHeld) {
        XtFail("the lock was taken after it was deleted, or twice");
    }
    Xt.LockHeld = 1;
}

void XfPlatUnlock(XF_CORE *C) { (void)C; Xt.LockHeld = 0; }

void
XfPlatDrainSignal(
    XF_CORE *C
    )
{
    (void)C;
    Xt.Signals++;
}

void
XfPlatDrainWait(
    XF_CORE *C
    )
{
    (void)C;
    if (Xt.LockHeld) {
        XtFail("the unload waited for requests under the lock, which they may need to finish");
    }
    Xt.Waits++;
}

/*************************************************************************
    Helpers
*************************************************************************/

static void
XtBoot(
    XF_U32 XidMode,
    XF_U32 GuardFlags,
    XF_U32 SelfTest
    )
{
    XF_CONFIG config;

    memset(&Xt, 0, sizeof(Xt));
    Xt.Thread = 0x10000;
    Xt.Remaining = 0x5000;
    XfCoreDefaultConfig(&config);
    config.XidMode = XidMode;
    config.GuardFlags = GuardFlags;
    config.SelfTest = SelfTest;
    XfCoreInitialize(&Core, &config, XF_BUILD_MODEL, 1, &Xt);
}

static XF_NTSTATUS
XtIoctl(
    XF_U32 Code,
    const void *In,
    XF_U32 InLength,
    void *Out,
    XF_U32 OutLength
    )
{
    XF_IOCTL_CALL call;
    XF_U32 information = 0;

    memset(&call, 0, sizeof(call));
    call.IoControlCode = Code;
    call.InputBuffer = In;
    call.InputLength = InLength;
    call.OutputBuffer = Out;
    call.OutputLength = OutLength;
    return XfCoreDeviceControl(&Core, &call, &information);
}

static XF_STATS
XtStats(
    void
    )
{
    XF_STATS stats;

    XfCoreReadStats(&Core, &stats);
    return stats;
}

static XF_SET_CONFIG_REQUEST
XtLiveRequest(
    XF_U32 ReadFlags
    )
{
    XF_SET_CONFIG_REQUEST request;

    memset(&request, 0, sizeof(request));
    request.Size = sizeof(request);
    request.Version = XF_STRUCT_VERSION;
    request.Apply = XF_APPLY_LIVE_REREGISTER;
    XfCoreDefaultConfig(&request.Config);
    request.Config.OperationFlags[XF_OP_READ] = ReadFlags;
    return request;
}

/*************************************************************************
    Cases
*************************************************************************/

static void
SelfTestTouchesOnePagePerDepthAndStopsAtTheMaximumDepth(void)
{
    XF_OPERATION operation = XtPagingRead();
    XF_STATS stats;
    XF_U32 i;

    XtBoot(XF_XID_MODE_OFF, 0, XF_SELFTEST_ON);
    Xt.ReenterOnTouch = 1;

    XfCorePreOperation(&Core, &operation);

    stats = XtStats();
    XT_CHECK(Xt.TouchCount == XF_SELFTEST_MAX_DEPTH);
    for (i = 0; i < XF_SELFTEST_MAX_DEPTH; i++) {
        XT_CHECK(Xt.Touches[i] == i);
    }
    XT_CHECK(stats.SelfTestTouches == XF_SELFTEST_MAX_DEPTH);
    XT_CHECK(stats.SelfTestDepthLimited == 1);
    XT_CHECK(stats.MaxNestingDepth == XF_SELFTEST_MAX_DEPTH + 1);
}

static void
SelfTestTouchesNothingForWritesCreatesOrNonPagingReads(void)
{
    XF_OPERATION operation = XtPagingRead();

    XtBoot(XF_XID_MODE_OFF, 0, XF_SELFTEST_ON);
    operation.Operation = XF_OP_WRITE;
    XfCorePreOperation(&Core, &operation);
    operation.Operation = XF_OP_CREATE;
    operation.IsPagingIo = 0;
    XfCorePreOperation(&Core, &operation);
    operation.Operation = XF_OP_READ;
    XfCorePreOperation(&Core, &operation);

    XT_CHECK(Xt.TouchCount == 0);
    XT_CHECK(XtStats().Callbacks == 3);
}

static void
NestedPagingIoIsCountedByWhatItWasFor(void)
{
    XF_OPERATION operation = XtPagingRead();
    XF_STATS stats;

    XtBoot(XF_XID_MODE_OFF, 0, XF_SELFTEST_ON);
    Xt.ReenterOnTouch = 1;
    Xt.Target = XF_IO_TARGET_IMAGE;
    XfCorePreOperation(&Core, &operation);            // depth 1 is not nested; depths 2..33 are
    Xt.ReenterOnTouch = 0;
    Xt.Target = XF_IO_TARGET_PAGING_FILE;
    XfCorePreOperation(&Core, &operation);            // depth 1 only

    stats = XtStats();
    XT_CHECK(stats.NestedImageIo == XF_SELFTEST_MAX_DEPTH);
    XT_CHECK(stats.NestedPagingFileIo == 0);
    XT_CHECK(stats.NestedOtherIo == 0);
}

static void
CallbacksThatAreNotPagingIoAreCountedByKind(void)
{
    XF_OPERATION operation = XtPagingRead();
    XF_STATS stats;

    XtBoot(XF_XID_MODE_OFF, 0, XF_SELFTEST_OFF);
    XfCorePreOperation(&Core, &operation);            // paging I/O: no kind
    operation.IsPagingIo = 0;
    XfCorePreOperation(&Core, &operation);            // a non-cached read
    operation.IsNonCached = 0;
    XfCorePreOperation(&Core, &operation);            // cached reads
    XfCorePreOperation(&Core, &operation);
    operation.Operation = XF_OP_WRITE;
    XfCorePreOperation(&Core, &operation);            // a cached write
    operation.IsNonCached = 1;
    XfCorePreOperation(&Core, &operation);            // non-cached writes
    XfCorePreOperation(&Core, &operation);
    XfCorePreOperation(&Core, &operation);
    operation.Operation = XF_OP_CREATE;
    operation.IsNonCached = 0;
    XfCorePreOperation(&Core, &operation);            // a create

    stats = XtStats();
    XT_CHECK(stats.Callbacks == 9);
    XT_CHECK(stats.PagingIoCallbacks == 1);
    XT_CHECK(stats.NonCachedReadCallbacks == 1);
    XT_CHECK(stats.CachedReadCallbacks == 2);
    XT_CHECK(stats.CachedWriteCallbacks == 1);
    XT_CHECK(stats.NonCachedWriteCallbacks == 3);
    XT_CHECK(stats.CreateCallbacks == 1);
}

static XF_STATS
XtCrowdedCallback(
    XF_U32 GuardFlags,
    XF_U32 SelfTest
    )
/*++

Routine Description:

    Boots in lookup mode and runs one paging read whose lookups re-enter on
    new threads: four times as many threads inside the callback at once as
    there are nesting slots, so some find both of their candidate slots
    taken. Returns the statistics after it.

--*/
{
    XF_OPERATION operation = XtPagingRead();

    XtBoot(XF_XID_MODE_LOOKUP, GuardFlags, SelfTest);
    Xt.ThreadChain = 4 * XF_NESTING_SLOTS;
    XfCorePreOperation(&Core, &operation);
    return XtStats();
}

static void
ACallbackWhoseDepthCannotBeTrackedIsNotReportedAsDepthOne(void)
{
    XF_STATS stats = XtCrowdedCallback(0, XF_SELFTEST_ON);

    XT_CHECK(stats.Callbacks == 4 * XF_NESTING_SLOTS + 1);
    XT_CHECK(stats.NestingOverflows > 0);
    XT_CHECK(stats.MaxNestingDepth == 1);
    XT_CHECK(stats.SelfTestTouches == stats.Callbacks - stats.NestingOverflows);
}

static void
TheNestingGuardTreatsAnUntrackedDepthAsNested(void)
{
    XF_STATS stats = XtCrowdedCallback(XF_GUARD_NESTING, XF_SELFTEST_OFF);

    XT_CHECK(stats.NestingOverflows == 1);
    XT_CHECK(stats.GuardSkips == 1);
    XT_CHECK(stats.Lookups == stats.Callbacks - 1);
}

static void
TheCacheStaysUsableThroughLongProcessChurn(void)
{
    XF_QUERY_XID_REQUEST query;
    XF_QUERY_XID_RESPONSE answer;
    XF_STATS stats;
    XF_U64 pid, round;
    static char process;

    //
    //  1000 live processes, then 200000 exits and creations reusing pids as
    //  Windows does: tombstones must not pile up until the probe windows fill.
    //
    XtBoot(XF_XID_MODE_CACHED, 0, XF_SELFTEST_OFF);
    for (pid = 4; pid <= 4000; pid += 4) {
        XfCoreProcessCreated(&Core, pid, &process, pid);
    }
    for (round = 0; round < 200000; round++) {
        pid = 4 + (round * 2654435761u) % 1000 * 4;
        XfCoreProcessExited(&Core, pid);
        XfCoreProcessCreated(&Core, pid, &process, pid + round);
    }

    stats = XtStats();
    XT_CHECK(stats.CacheEntries == 1000);
    XT_CHECK(stats.CacheDrops == 0);

    memset(&query, 0, sizeof(query));
    query.Size = sizeof(query);
    query.Version = XF_STRUCT_VERSION;
    query.Mode = XF_XID_MODE_CACHED;
    for (pid = 4; pid <= 4000; pid += 4) {
        query.ProcessId = pid;
        XT_CHECK(XtIoctl(IOCTL_XF_QUERY_XID, &query, sizeof(query), &answer, sizeof(answer)) == XF_STATUS_SUCCESS);
        XT_CHECK(answer.Status == XF_STATUS_SUCCESS);
    }
    for (pid = 4; pid <= 4000; pid += 4) {
        XfCoreProcessExited(&Core, pid);
    }
    XT_CHECK(XtStats().CacheEntries == 0);
    for (pid = 0; pid < XF_CACHE_SLOTS; pid++) {
        XT_CHECK(Core.Cache[pid].ProcessId == XF_CACHE_EMPTY);
    }
}

static void
AFullProbeWindowDropsTheProcessInsteadOfProbingFurther(void)
{
    XF_U64 pid, created = 0;
    XF_STATS stats;
    static char process;

    XtBoot(XF_XID_MODE_CACHED, 0, XF_SELFTEST_OFF);
    for (pid = 4; created < XF_CACHE_SLOTS; pid += 4, created++) {
        XfCoreProcessCreated(&Core, pid, &process, pid);
    }

    stats = XtStats();
    XT_CHECK(stats.CacheEntries + stats.CacheDrops == XF_CACHE_SLOTS);
    XT_CHECK(stats.CacheDrops > 0);
}

static void
FltmcUnloadIsRefusedWhileAHandleIsOpen(void)
{
    XtBoot(XF_XID_MODE_LOOKUP, 0, XF_SELFTEST_OFF);
    XT_CHECK(XfCoreControlCreate(&Core) == XF_STATUS_SUCCESS);

    XT_CHECK(XfCoreFilterUnload(&Core, 0) == XF_STATUS_FLT_DO_NOT_DETACH);
    XT_CHECK(XtIoctl(IOCTL_XF_RESET_STATS, NULL, 0, NULL, 0) == XF_STATUS_SUCCESS);

    XfCoreControlClose(&Core);
    XT_CHECK(XfCoreFilterUnload(&Core, 0) == XF_STATUS_SUCCESS);
}

static void
AfterAMandatoryUnloadEveryRequestIsDeletePendingAndTheLockIsLeftAlone(void)
{
    XF_INFO info;

    XtBoot(XF_XID_MODE_LOOKUP, 0, XF_SELFTEST_OFF);
    XT_CHECK(XfCoreControlCreate(&Core) == XF_STATUS_SUCCESS);

    XT_CHECK(XfCoreFilterUnload(&Core, 1) == XF_STATUS_SUCCESS);
    Xt.LockGone = 1;

    XT_CHECK(XtIoctl(IOCTL_XF_GET_INFO, NULL, 0, &info, sizeof(info)) == XF_STATUS_DELETE_PENDING);
    XT_CHECK(XfCoreControlCreate(&Core) == XF_STATUS_DELETE_PENDING);
    XfCoreControlClose(&Core);
    XT_CHECK(!Xt.Failed);
}

static void
AnUnloadWaitsForTheRequestInsideAndTheLastOneOutWakesIt(void)
{
    XF_QUERY_XID_REQUEST query;
    XF_QUERY_XID_RESPONSE answer;
    XF_INFO info;

    //
    //  A lookup-mode query is inside (it holds the run-down, not the lock)
    //  when a mandatory unload arrives on another thread.
    //
    XtBoot(XF_XID_MODE_LOOKUP, 0, XF_SELFTEST_OFF);
    memset(&query, 0, sizeof(query));
    query.Size = sizeof(query);
    query.Version = XF_STRUCT_VERSION;
    query.ProcessId = 8;
    query.Mode = XF_XID_MODE_LOOKUP;
    Xt.UnloadDuringLookup = 1;

    XT_CHECK(XtIoctl(IOCTL_XF_QUERY_XID, &query, sizeof(query), &answer, sizeof(answer)) == XF_STATUS_SUCCESS);

    XT_CHECK(Xt.UnloadStatus == XF_STATUS_SUCCESS);
    XT_CHECK(Xt.Waits == 1);
    XT_CHECK(Xt.Signals == 1);
    XT_CHECK(XtIoctl(IOCTL_XF_GET_INFO, NULL, 0, &info, sizeof(info)) == XF_STATUS_DELETE_PENDING);
    XT_CHECK(Xt.Signals == 1);
}

static void
AnUnloadWithNothingInsideDoesNotWait(void)
{
    XtBoot(XF_XID_MODE_LOOKUP, 0, XF_SELFTEST_OFF);

    XT_CHECK(XfCoreFilterUnload(&Core, 1) == XF_STATUS_SUCCESS);
    XT_CHECK(XfCoreFilterUnload(&Core, 1) == XF_STATUS_SUCCESS);

    XT_CHECK(Xt.Waits == 0 && Xt.Signals == 0);
}

static XF_NTSTATUS
XtFailedLiveReregistration(
    XF_U32 StateFlags,
    XF_NTSTATUS RestoreStatus,
    XF_SET_CONFIG_RESPONSE *Response
    )
/*++

Routine Description:

    Boots registered with flags 0 (and StateFlags set), then asks for a live
    re-registration with SKIP_PAGING_IO that fails for want of resources;
    registering the previous flags again then returns RestoreStatus.
    Returns the IOCTL's status, its response in Response.

--*/
{
    XF_SET_CONFIG_REQUEST request = XtLiveRequest(XF_REG_SKIP_PAGING_IO);
    XF_U32 previous[XF_OP_COUNT] = { 0, 0, 0 };

    XtBoot(XF_XID_MODE_LOOKUP, 0, XF_SELFTEST_OFF);
    XfCoreNoteRegistration(&Core, XF_STATUS_SUCCESS, previous);
    XfCoreSetStateFlags(&Core, StateFlags, 0);
    Xt.ReregisterStatuses[0] = XF_STATUS_INSUFFICIENT_RESOURCES;
    Xt.ReregisterStatuses[1] = RestoreStatus;

    return XtIoctl(IOCTL_XF_SET_CONFIG, &request, sizeof(request), Response, sizeof(*Response));
}

static void
AFailedLiveReregistrationRegistersThePreviousFlagsAgain(void)
{
    XF_SET_CONFIG_RESPONSE response;

    XT_CHECK(XtFailedLiveReregistration(XF_INFO_FILTERING_STARTED, XF_STATUS_SUCCESS, &response) ==
             XF_STATUS_SUCCESS);

    XT_CHECK(response.ReregisterStatus == XF_STATUS_INSUFFICIENT_RESOURCES);
    XT_CHECK(response.RestoreStatus == XF_STATUS_SUCCESS);
    XT_CHECK(response.ResultFlags == (XF_SETCFG_SAVED | XF_SETCFG_RESTORED | XF_SETCFG_RELOAD_REQUIRED));
    XT_CHECK(Xt.ReregisterCalls == 2);
    XT_CHECK(Xt.ReregisterFlags[1][XF_OP_READ] == 0);
    XT_CHECK(Core.ActiveOperationFlags[XF_OP_READ] == 0);
    XT_CHECK((Core.StateFlags & (XF_INFO_FILTER_REGISTERED | XF_INFO_FILTERING_STARTED)) ==
             (XF_INFO_FILTER_REGISTERED | XF_INFO_FILTERING_STARTED));
    XT_CHECK(XtStats().Reregistrations == 0);
}

static void
WhenTheRestoreFailsTooTheFilterIsReportedUnregistered(void)
{
    XF_SET_CONFIG_RESPONSE response;

    XT_CHECK(XtFailedLiveReregistration(0, XF_STATUS_INVALID_PARAMETER, &response) == XF_STATUS_SUCCESS);

    XT_CHECK(response.RestoreStatus == XF_STATUS_INVALID_PARAMETER);
    XT_CHECK((response.ResultFlags & (XF_SETCFG_REREGISTERED | XF_SETCFG_RESTORED)) == 0);
    XT_CHECK((Core.StateFlags & XF_INFO_FILTER_REGISTERED) == 0);
    XT_CHECK(Core.RegisterStatus == XF_STATUS_INVALID_PARAMETER);
}

typedef struct _XT_CASE {
    const char *Name;
    void (*Run)(void);
} XT_CASE;

#define XT_CASE(f) { #f, f }

static const XT_CASE XtCases[] = {
    XT_CASE(SelfTestTouchesOnePagePerDepthAndStopsAtTheMaximumDepth),
    XT_CASE(SelfTestTouchesNothingForWritesCreatesOrNonPagingReads),
    XT_CASE(NestedPagingIoIsCountedByWhatItWasFor),
    XT_CASE(ACallbackWhoseDepthCannotBeTrackedIsNotReportedAsDepthOne),
    XT_CASE(TheNestingGuardTreatsAnUntrackedDepthAsNested),
    XT_CASE(TheCacheStaysUsableThroughLongProcessChurn),
    XT_CASE(AFullProbeWindowDropsTheProcessInsteadOfProbingFurther),
    XT_CASE(FltmcUnloadIsRefusedWhileAHandleIsOpen),
    XT_CASE(AfterAMandatoryUnloadEveryRequestIsDeletePendingAndTheLockIsLeftAlone),
    XT_CASE(AnUnloadWaitsForTheRequestInsideAndTheLastOneOutWakesIt),
    XT_CASE(AnUnloadWithNothingInsideDoesNotWait),
    XT_CASE(CallbacksThatAreNotPagingIoAreCountedByKind),
    XT_CASE(AFailedLiveReregistrationRegistersThePreviousFlagsAgain),
    XT_CASE(WhenTheRestoreFailsTooTheFilterIsReportedUnregistered),
};

int
main(
    void
    )
{
    size_t i;
    int failures = 0;

    for (i = 0; i < sizeof(XtCases) / sizeof(XtCases[0]); i++) {
        XtCases[i].Run();
        if (Xt.Failed) {
            printf("not ok %s: %s\n", XtCases[i].Name, Xt.Why);
            failures++;
        } else {
            printf("ok %s\n", XtCases[i].Name);
        }
    }
    return failures == 0 ? 0 : 1;
}
