/*++

Module Name:

    xf_core.h

Abstract:

    The portable core of xidfilter: configuration validation, the Xid modes,
    the guard, the process cache, telemetry and the IOCTL handling. It is
    compiled into the kernel driver and into the kernel model unchanged, so a
    decision tested in the model is the decision the driver makes.

    The core keeps all its state in one XF_CORE the caller owns (the driver:
    one non-paged global; the model: one per modelled machine). Nothing in it
    is pageable: the pre-operation path runs for paging I/O.

Environment:

    Kernel mode or the user-mode kernel model.

--*/

#ifndef XF_CORE_H
#define XF_CORE_H

#include "xf_platform.h"

#define XF_DRIVER_VERSION_MAJOR 0u
#define XF_DRIVER_VERSION_MINOR 2u
#define XF_DRIVER_VERSION_PATCH 0u
#define XF_DRIVER_VERSION \
    ((XF_DRIVER_VERSION_MAJOR << 16) | (XF_DRIVER_VERSION_MINOR << 8) | XF_DRIVER_VERSION_PATCH)

//
//  Threads whose callback nesting is tracked at once, and processes the cache
//  holds. Both are powers of two. A cache lookup probes at most
//  XF_CACHE_MAX_PROBE slots from the pid's home slot, so a miss on the paging
//  path costs a bounded number of reads however many processes came and went;
//  a new process whose window is full is not cached (XF_STATS.CacheDrops) and
//  its callbacks fall back to the requestor.
//

#define XF_NESTING_SLOTS        128u
#define XF_CACHE_SLOTS          4096u
#define XF_CACHE_MAX_PROBE      32u

//
//  One operation as the pre-operation callback sees it.
//

typedef struct _XF_OPERATION {
    XF_U32 Operation;                   // XF_OP_*
    XF_U32 IsPagingIo;                  // non-zero when IRP_PAGING_IO is set
    XF_U32 IsNonCached;                 // non-zero when IRP_NOCACHE is set
    void *CallbackData;                 // opaque to the core (PFLT_CALLBACK_DATA)
} XF_OPERATION;

//
//  One DeviceIoControl request. METHOD_BUFFERED: InputBuffer and OutputBuffer
//  may be the same memory, so the core reads all input before it writes.
//

typedef struct _XF_IOCTL_CALL {
    XF_U32 IoControlCode;
    XF_U32 InputLength;
    XF_U32 OutputLength;
    XF_U32 Reserved;
    const void *InputBuffer;
    void *OutputBuffer;
    void *CallerProcess;                // the process that sent the request
    XF_U64 CallerProcessId;
} XF_IOCTL_CALL;

typedef struct _XF_NESTING_SLOT {
    volatile XF_U64 Thread;             // XfPlatCurrentThread of the owner, 0 when free
    volatile XF_U32 Depth;              // written by the owner thread only
    XF_U32 Reserved;
} XF_NESTING_SLOT;

#define XF_CACHE_EMPTY      0ull
#define XF_CACHE_TOMBSTONE  (~0ull)

typedef struct _XF_CACHE_SLOT {
    volatile XF_U64 Sequence;           // odd while a writer changes the slot
    volatile XF_U64 ProcessId;          // XF_CACHE_EMPTY, XF_CACHE_TOMBSTONE or a pid
    volatile XF_U64 Xid;
    volatile XF_U64 CreateTime;
} XF_CACHE_SLOT;

//
//  The kinds of I/O that is not paging I/O, as XF_STATS splits its callbacks.
//

#define XF_KIND_CREATE              0u
#define XF_KIND_CACHED_READ         1u
#define XF_KIND_NON_CACHED_READ     2u
#define XF_KIND_CACHED_WRITE        3u
#define XF_KIND_NON_CACHED_WRITE    4u
#define XF_KIND_COUNT               5u

typedef struct _XF_COUNTERS {
    volatile XF_U64 Callbacks;
    volatile XF_U64 PagingIoCallbacks;
    volatile XF_U64 Lookups;
    volatile XF_U64 LookupFailures;
    volatile XF_U64 CacheHits;
    volatile XF_U64 CacheMisses;
    volatile XF_U64 GuardSkips;
    volatile XF_U64 SelfTestTouches;
    volatile XF_U64 Reregistrations;
    volatile XF_U64 NestedIo[3];        // nested paging-I/O callbacks by XF_IO_TARGET_*
    volatile XF_U64 Kinds[XF_KIND_COUNT];   // callbacks that are not paging I/O, by XF_KIND_*
    volatile XF_U64 SelfTestDepthLimited;
    volatile XF_U64 CacheDrops;
    volatile XF_U32 MaxNestingDepth;
    volatile XF_U32 MinRemainingStack;
} XF_COUNTERS;

typedef struct _XF_CORE {
    //
    //  The live settings packed in one word, so the callback reads Xid mode,
    //  guard and self-test together and a change applies at once.
    //
    volatile XF_U64 LiveSettings;

    //
    //  The saved configuration (under XfPlatLock).
    //
    XF_CONFIG Config;

    //
    //  Registration state, written by the glue at load and on re-registration.
    //
    XF_U32 ActiveOperationFlags[XF_OP_COUNT];
    XF_U32 StateFlags;                  // XF_INFO_* except XF_INFO_RELOAD_PENDING (derived)
    XF_U32 BuildFlavor;
    XF_U32 LoadCount;
    XF_NTSTATUS RegisterStatus;

    //
    //  The control device (under XfPlatLock): handles open on it, and whether
    //  the filter is being unloaded, after which every request fails with
    //  STATUS_DELETE_PENDING.
    //
    XF_U32 OpenCount;
    volatile XF_U32 Unloading;

    //
    //  Run-down of the control device's requests, EX_RUNDOWN_REF's protocol
    //  in one word: bit 0 set once the run-down began, requests inside
    //  counted in steps of 2 above it. (EX_RUNDOWN_REF itself would do on
    //  Windows, but Wine 8 implements none of its routines, and the Wine
    //  smoke test loads this binary.)
    //
    volatile XF_U64 Rundown;

    XF_COUNTERS Counters;
    volatile XF_U64 NestingOverflows;   // callbacks on threads no slot was free for
    volatile XF_U64 CacheEntries;       // a gauge: RESET_STATS leaves it alone

    XF_NESTING_SLOT Nesting[XF_NESTING_SLOTS];
    XF_CACHE_SLOT Cache[XF_CACHE_SLOTS];

    void *Platform;                     // the platform's own context
} XF_CORE;

//
//  The configuration a fresh install starts with: the field configuration
//  (lookup, no skip flags, no guard, no self-test).
//
void XfCoreDefaultConfig(XF_CONFIG *Config);

//
//  Checks every field; changes nothing. XF_STATUS_SUCCESS or
//  XF_STATUS_INVALID_PARAMETER.
//
XF_NTSTATUS XfCoreValidateConfig(const XF_CONFIG *Config);

//
//  Sets up Core from a saved config (or the default when Saved is NULL or
//  invalid). Registration flags used at FltRegisterFilter are Core->Config's;
//  the glue records the result with XfCoreNoteRegistration.
//
void XfCoreInitialize(XF_CORE *Core, const XF_CONFIG *Saved, XF_U32 BuildFlavor, XF_U32 LoadCount, void *Platform);

void XfCoreNoteRegistration(XF_CORE *Core, XF_NTSTATUS Status, const XF_U32 OperationFlags[XF_OP_COUNT]);
void XfCoreSetStateFlags(XF_CORE *Core, XF_U32 SetFlags, XF_U32 ClearFlags);

//
//  The pre-operation decision: counts, tracks nesting, applies the guard and
//  the self-test trigger, computes the Xid with the live mode. Returns the
//  Xid, 0 when none was computed.
//
XF_U64 XfCorePreOperation(XF_CORE *Core, const XF_OPERATION *Operation);

//
//  The process-notify routine's work for the cached mode.
//
void XfCoreProcessCreated(XF_CORE *Core, XF_U64 ProcessId, void *Process, XF_U64 CreateTime);
void XfCoreProcessExited(XF_CORE *Core, XF_U64 ProcessId);

//
//  The Xid formula of the field code.
//
XF_U64 XfCoreComputeXid(XF_U64 ProcessAddress, XF_U64 ProcessId, XF_U64 CreateTime);

//
//  PASSIVE: serves one IOCTL_XF_* request. On success *Information is the
//  number of output bytes written. Once the filter is unloading, every request
//  fails with XF_STATUS_DELETE_PENDING.
//
XF_NTSTATUS XfCoreDeviceControl(XF_CORE *Core, const XF_IOCTL_CALL *Call, XF_U32 *Information);

//
//  PASSIVE: IRP_MJ_CREATE and IRP_MJ_CLOSE on the control device, which count
//  the handles open on it.
//
XF_NTSTATUS XfCoreControlCreate(XF_CORE *Core);
void XfCoreControlClose(XF_CORE *Core);

//
//  PASSIVE: the filter's unload decision. A non-mandatory unload (fltmc
//  unload, FilterUnload) is refused with XF_STATUS_FLT_DO_NOT_DETACH while a
//  handle is open on the control device. Otherwise every later request fails
//  with XF_STATUS_DELETE_PENDING, and this returns once the requests in
//  flight have finished: the caller may tear down.
//
XF_NTSTATUS XfCoreFilterUnload(XF_CORE *Core, int Mandatory);

//
//  The telemetry as IOCTL_XF_GET_STATS answers it, read straight from the
//  core (what a debugger reads from a dump): it needs no lock and works in any
//  state, unloading or crashed.
//
void XfCoreReadStats(const XF_CORE *Core, XF_STATS *Stats);

#endif // XF_CORE_H
