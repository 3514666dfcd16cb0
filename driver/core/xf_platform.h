/*++

Module Name:

    xf_platform.h

Abstract:

    The small platform interface under the portable core of xidfilter. The core
    (driver/core/xf_*.c) makes every decision of the driver; everything that touches a
    real kernel mechanism goes through the XfPlat* routines declared here. The
    kernel glue (driver/src) implements them over ntoskrnl and FLTMGR; the
    kernel model (driver/sim) implements them over its model of Windows.

    Also here: the NTSTATUS values the core returns, and atomics that compile
    to interlocked instructions under MSVC, gcc and mingw-w64 (no library calls,
    so they are usable in a driver linked without a C runtime).

Environment:

    Kernel mode (XF_KERNEL defined) or the user-mode kernel model.

--*/

#ifndef XF_PLATFORM_H
#define XF_PLATFORM_H

#include "../include/xidfilter_ioctl.h"

#if defined(XF_KERNEL)
#include <ntifs.h>
#else
#include <assert.h>
#endif

//
//  Code placement. A routine that runs only at PASSIVE_LEVEL goes in the PAGE
//  code section, a routine only DriverEntry calls in INIT (discarded after
//  DriverEntry returns). MSVC places them with #pragma alloc_text next to each
//  routine's declaration; gcc ignores that pragma, and mingw-w64's wdm.h
//  defines ALLOC_PRAGMA only for MSVC, so the GCC build gets the same layout
//  from a section attribute on the definition (the approach ReactOS takes).
//  Nothing the pre-operation callback can reach may carry either: it runs for
//  paging I/O. The kernel model has no sections.
//

#if defined(XF_KERNEL) && defined(__GNUC__)
#define XF_PAGED    __attribute__((section("PAGE")))
#define XF_INIT     __attribute__((section("INIT")))
#else
#define XF_PAGED
#define XF_INIT
#endif

//
//  XF_PAGED_CODE: the first statement of every XF_PAGED routine. In a checked
//  kernel build (DBG=1, WDK or mingw) it is PAGED_CODE(), a real assertion that
//  IRQL <= APC_LEVEL; in the kernel model, where IRQL does not exist, it is
//  nothing. XF_ASSERT checks an invariant: NT_ASSERT in a checked kernel build
//  (a breakpoint, or a bugcheck without a debugger), nothing in a free one,
//  assert() in the model, which is always built with assertions on.
//

#if defined(XF_KERNEL)
#define XF_PAGED_CODE()  PAGED_CODE()
#define XF_ASSERT(e)     NT_ASSERT(e)
#else
#define XF_PAGED_CODE()  ((void)0)
#define XF_ASSERT(e)     assert(e)
#endif

//
//  SAL annotations are checked by the WDK's code analysis; elsewhere they
//  document and compile to nothing.
//

#ifndef _In_
#define _In_
#endif
#ifndef _In_opt_
#define _In_opt_
#endif
#ifndef _Out_
#define _Out_
#endif
#ifndef _Inout_
#define _Inout_
#endif
#ifndef _In_reads_
#define _In_reads_(n)
#endif
#ifndef _In_reads_bytes_
#define _In_reads_bytes_(n)
#endif
#ifndef _Out_writes_bytes_
#define _Out_writes_bytes_(n)
#endif

typedef XF_I32 XF_NTSTATUS;

//
//  The NTSTATUS values the core produces (same numbers as ntstatus.h).
//

#define XF_STATUS_SUCCESS                ((XF_NTSTATUS)0x00000000L)
#define XF_STATUS_INVALID_CID            ((XF_NTSTATUS)0xC000000BL)
#define XF_STATUS_INVALID_PARAMETER      ((XF_NTSTATUS)0xC000000DL)
#define XF_STATUS_INVALID_DEVICE_REQUEST ((XF_NTSTATUS)0xC0000010L)
#define XF_STATUS_BUFFER_TOO_SMALL       ((XF_NTSTATUS)0xC0000023L)
#define XF_STATUS_NOT_SUPPORTED          ((XF_NTSTATUS)0xC00000BBL)
#define XF_STATUS_NOT_FOUND              ((XF_NTSTATUS)0xC0000225L)
#define XF_STATUS_INSUFFICIENT_RESOURCES ((XF_NTSTATUS)0xC000009AL)
#define XF_STATUS_DELETE_PENDING         ((XF_NTSTATUS)0xC0000056L)
#define XF_STATUS_FLT_DO_NOT_DETACH      ((XF_NTSTATUS)0xC01C0010L)

#define XF_NT_SUCCESS(s) ((XF_NTSTATUS)(s) >= 0)

//
//  What a paging I/O is for (XfPlatPagingIoTarget).
//

#define XF_IO_TARGET_OTHER          0u  // any other file (a mapped data file, an executable's image)
#define XF_IO_TARGET_PAGING_FILE    1u  // the paging file: pagefile-backed memory such as paged pool
#define XF_IO_TARGET_IMAGE          2u  // xidfilter.sys itself (the self-test's pages)

//
//  Atomics. Relaxed loads and stores for counters that are only read for
//  telemetry; acquire/release where a value publishes other data.
//

#if defined(_MSC_VER) && !defined(__clang__)

#include <intrin.h>
#define XfAtomicInc64(p)            ((XF_U64)_InterlockedIncrement64((volatile __int64 *)(p)))
#define XfAtomicAdd64(p, v)         ((XF_U64)_InterlockedExchangeAdd64((volatile __int64 *)(p), (__int64)(v)))
#define XfAtomicCas32(p, e, d)      ((XF_U32)_InterlockedCompareExchange((volatile long *)(p), (long)(d), (long)(e)) == (XF_U32)(e))
#define XfAtomicCas64(p, e, d)      ((XF_U64)_InterlockedCompareExchange64((volatile __int64 *)(p), (__int64)(d), (__int64)(e)) == (XF_U64)(e))
#define XfAtomicExchange64(p, v)    ((XF_U64)_InterlockedExchange64((volatile __int64 *)(p), (__int64)(v)))
#define XfLoad32(p)                 (*(volatile XF_U32 *)(p))
#define XfLoad64(p)                 (*(volatile XF_U64 *)(p))
#define XfStore32(p, v)             (*(volatile XF_U32 *)(p) = (v))
#define XfStore64(p, v)             (*(volatile XF_U64 *)(p) = (v))
#define XfLoadAcquire64(p)          (*(volatile XF_U64 *)(p))
#define XfStoreRelease64(p, v)      (*(volatile XF_U64 *)(p) = (v))
#define XfFenceAcquire()            _ReadWriteBarrier()
#define XfFenceRelease()            _ReadWriteBarrier()

#else

#define XfAtomicInc64(p)            __atomic_add_fetch((p), 1, __ATOMIC_RELAXED)
#define XfAtomicAdd64(p, v)         __atomic_fetch_add((p), (v), __ATOMIC_RELAXED)
#define XfAtomicCas32(p, e, d)      XfCas32Impl((p), (e), (d))
#define XfAtomicCas64(p, e, d)      XfCas64Impl((p), (e), (d))
#define XfAtomicExchange64(p, v)    __atomic_exchange_n((p), (v), __ATOMIC_ACQ_REL)
#define XfLoad32(p)                 __atomic_load_n((p), __ATOMIC_RELAXED)
#define XfLoad64(p)                 __atomic_load_n((p), __ATOMIC_RELAXED)
#define XfStore32(p, v)             __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define XfStore64(p, v)             __atomic_store_n((p), (v), __ATOMIC_RELAXED)
#define XfLoadAcquire64(p)          __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define XfStoreRelease64(p, v)      __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define XfFenceAcquire()            __atomic_thread_fence(__ATOMIC_ACQUIRE)
#define XfFenceRelease()            __atomic_thread_fence(__ATOMIC_RELEASE)

static inline int XfCas32Impl(volatile XF_U32 *p, XF_U32 expected, XF_U32 desired)
{
    return __atomic_compare_exchange_n(p, &expected, desired, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

static inline int XfCas64Impl(volatile XF_U64 *p, XF_U64 expected, XF_U64 desired)
{
    return __atomic_compare_exchange_n(p, &expected, desired, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED);
}

#endif

struct _XF_CORE;
struct _XF_OPERATION;

//
//  ---- Routines every platform implements ----
//
//  All may be called from the pre-operation callback (IRQL <= APC_LEVEL, on
//  paging-I/O paths) unless marked PASSIVE: their code and data must not be
//  pageable on the kernel side.
//

//
//  An identifier of the current thread, never 0 (the kernel: PETHREAD).
//
XF_U64 XfPlatCurrentThread(struct _XF_CORE *Core);

//
//  Bytes of kernel stack left below the caller (IoGetRemainingStackSize).
//
XF_U32 XfPlatRemainingStack(struct _XF_CORE *Core);

//
//  The field pattern: PsLookupProcessByProcessId. On success *Process holds a
//  referenced process that XfPlatDereferenceProcess releases.
//
XF_NTSTATUS XfPlatLookupProcess(struct _XF_CORE *Core, XF_U64 ProcessId, void **Process);
void XfPlatDereferenceProcess(struct _XF_CORE *Core, void *Process);

//
//  PsGetProcessCreateTimeQuadPart and PsGetProcessId on a process the caller
//  keeps valid.
//
XF_U64 XfPlatProcessCreateTime(struct _XF_CORE *Core, void *Process);
XF_U64 XfPlatProcessId(struct _XF_CORE *Core, void *Process);

//
//  The process that issued the operation, from the callback data
//  (FltGetRequestorProcess): not referenced, valid for the operation, may be
//  NULL. No CID table walk.
//
void *XfPlatRequestorProcess(struct _XF_CORE *Core, const struct _XF_OPERATION *Operation);

//
//  The id of the process that issued the operation (FltGetRequestorProcessId).
//
XF_U64 XfPlatRequestorProcessId(struct _XF_CORE *Core, const struct _XF_OPERATION *Operation);

//
//  What a paging I/O the callback sees is for: the paging file, the driver's
//  own image, or another file (XF_IO_TARGET_*). Called only for paging I/O.
//
XF_U32 XfPlatPagingIoTarget(struct _XF_CORE *Core, const struct _XF_OPERATION *Operation);

//
//  Self-test trigger: touch page Page (0 .. XF_SELFTEST_MAX_DEPTH - 1) of the
//  driver's own pageable image.
//
void XfPlatSelfTestTouch(struct _XF_CORE *Core, XF_U32 Page);

//
//  The event the core's run-down of the control device's requests waits on
//  (a KEVENT on the kernel side). Signal is called once, by the last request
//  to leave after the run-down began, at whatever IRQL requests run at; Wait
//  (PASSIVE) returns once it has been called.
//
void XfPlatDrainSignal(struct _XF_CORE *Core);
void XfPlatDrainWait(struct _XF_CORE *Core);

//
//  PASSIVE: persist the whole configuration (the service key's Parameters).
//
XF_NTSTATUS XfPlatSaveConfig(struct _XF_CORE *Core, const XF_CONFIG *Config);

//
//  PASSIVE, EXPERIMENTAL: unregister the filter and register it again with
//  new operation flags, now.
//
XF_NTSTATUS XfPlatReregister(struct _XF_CORE *Core, const XF_U32 OperationFlags[XF_OP_COUNT]);

//
//  PASSIVE: serialise configuration changes and process-cache writers.
//  Readers on the callback path never take it.
//
void XfPlatLock(struct _XF_CORE *Core);
void XfPlatUnlock(struct _XF_CORE *Core);

#endif // XF_PLATFORM_H
