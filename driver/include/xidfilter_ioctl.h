/*++

Module Name:

    xidfilter_ioctl.h

Abstract:

    The wire contract between the xidfilter minifilter (and the kernel model that
    runs the same code) and its controllers. This header is the single source of
    truth for the IOCTL codes and the request and response layouts; the Java codec
    in src/main/java/dev/xidlab/protocol mirrors it and an ABI test compares the
    two field by field.

    Rules every structure follows:
      - fixed size, little-endian, naturally aligned with explicit padding (no
        compiler-inserted holes, so sizeof is the same for MSVC, gcc and mingw);
      - the first two fields are Size (sizeof the structure) and Version
        (XF_STRUCT_VERSION); a receiver rejects any other value;
      - every IOCTL is METHOD_BUFFERED on a vendor device type (>= 0x8000) with a
        function code >= 0x800; requests that only read need FILE_READ_DATA,
        requests that change state need FILE_WRITE_DATA.

    Only basic integer types are used, so the header compiles in kernel mode, in
    user mode and in the kernel model without any Windows header.

Environment:

    Kernel mode, user mode, kernel model (any C99 compiler).

--*/

#ifndef XIDFILTER_IOCTL_H
#define XIDFILTER_IOCTL_H

#if defined(_MSC_VER) && !defined(__clang__)
typedef unsigned __int32 XF_U32;
typedef signed __int32 XF_I32;
typedef unsigned __int64 XF_U64;
#else
#include <stdint.h>
typedef uint32_t XF_U32;
typedef int32_t XF_I32;
typedef uint64_t XF_U64;
#endif

//
//  Names the control device is known by.
//

#define XF_DEVICE_NAME_W        L"\\Device\\XidFilter"
#define XF_DOS_DEVICE_NAME_W    L"\\??\\XidFilter"
#define XF_USER_DEVICE_PATH_W   L"\\\\.\\XidFilter"
#define XF_FILTER_NAME_W        L"XidFilter"

//
//  Versions. XF_PROTOCOL_VERSION changes when any IOCTL or layout changes;
//  XF_STRUCT_VERSION is what every structure carries in its Version field.
//

#define XF_PROTOCOL_VERSION     3u
#define XF_STRUCT_VERSION       1u

//
//  IOCTL codes. The macro is CTL_CODE from the DDK, spelled out so no Windows
//  header is needed.
//

#define XF_DEVICE_TYPE          0x8A1Du
#define XF_METHOD_BUFFERED      0u
#define XF_FILE_READ_DATA       0x0001u
#define XF_FILE_WRITE_DATA      0x0002u

#define XF_CTL_CODE(Function, Access) \
    ((XF_U32)((XF_DEVICE_TYPE << 16) | ((Access) << 14) | ((Function) << 2) | XF_METHOD_BUFFERED))

#define IOCTL_XF_GET_INFO       XF_CTL_CODE(0x800u, XF_FILE_READ_DATA)
#define IOCTL_XF_GET_CONFIG     XF_CTL_CODE(0x801u, XF_FILE_READ_DATA)
#define IOCTL_XF_SET_CONFIG     XF_CTL_CODE(0x802u, XF_FILE_WRITE_DATA)
#define IOCTL_XF_GET_STATS      XF_CTL_CODE(0x803u, XF_FILE_READ_DATA)
#define IOCTL_XF_RESET_STATS    XF_CTL_CODE(0x804u, XF_FILE_WRITE_DATA)
#define IOCTL_XF_QUERY_XID      XF_CTL_CODE(0x805u, XF_FILE_READ_DATA)

//
//  Operations the filter registers for. The index is the position in
//  XF_CONFIG.OperationFlags.
//

#define XF_OP_CREATE            0u
#define XF_OP_READ              1u
#define XF_OP_WRITE             2u
#define XF_OP_COUNT             3u

//
//  Per-operation registration flags: the FLT_OPERATION_REGISTRATION.Flags bits
//  of fltKernel.h, with the same values.
//

#define XF_REG_SKIP_PAGING_IO       0x00000001u
#define XF_REG_SKIP_CACHED_IO       0x00000002u
#define XF_REG_SKIP_NON_DASD_IO     0x00000004u
#define XF_REG_SKIP_NON_CACHED_NON_PAGING_IO 0x00000008u  // Windows 8 and later
#define XF_REG_VALID_MASK           0x0000000Fu

//
//  How the pre-operation callback computes the per-process id (Xid).
//

#define XF_XID_MODE_OFF         0u  // no Xid: the baseline overhead
#define XF_XID_MODE_LOOKUP      1u  // PsLookupProcessByProcessId every callback (the field code)
#define XF_XID_MODE_REQUESTOR   2u  // process from the callback data, no CID walk
#define XF_XID_MODE_CACHED      3u  // non-paged table filled by the process-notify routine
#define XF_XID_MODE_COUNT       4u

//
//  In XF_QUERY_XID_REQUEST.Mode: compute with the mode currently configured.
//

#define XF_XID_MODE_CURRENT     0xFFFFFFFFu

//
//  Guard: skip the Xid work when the callback is nested on the same thread,
//  and/or when the remaining kernel stack is below GuardStackThreshold.
//

#define XF_GUARD_NESTING        0x00000001u
#define XF_GUARD_LOW_STACK      0x00000002u
#define XF_GUARD_VALID_MASK     0x00000003u

//
//  Self-test trigger: in the callback of a paging read, the driver touches the
//  page of its own pageable image that belongs to the current nesting depth, so
//  paging reads of the image re-enter the callback on any Windows version.
//  Depth d touches page d - 1 and no other, so a nested touch never faults on
//  the page whose read its own thread has in flight; beyond
//  XF_SELFTEST_MAX_DEPTH levels nothing is touched (counted in
//  XF_STATS.SelfTestDepthLimited). 32 levels need at least 0x300 bytes of
//  stack each to exhaust the 0x6000-byte kernel stack, and one level of
//  re-entry (trap frame 0x190 alone, plus the fault handler's and the filter
//  manager's frames) takes more than that.
//

#define XF_SELFTEST_OFF         0u
#define XF_SELFTEST_ON          1u
#define XF_SELFTEST_MAX_DEPTH   32u

//
//  Bounds the driver accepts for GuardStackThreshold (bytes); 0 is accepted
//  only while XF_GUARD_LOW_STACK is clear.
//

#define XF_GUARD_STACK_MIN      0x400u
#define XF_GUARD_STACK_MAX      0x5000u

//
//  The configuration. Registration flags take effect at the next load of the
//  filter (they are fixed at FltRegisterFilter time); Xid mode, guard and
//  self-test take effect at once.
//

typedef struct _XF_CONFIG {
    XF_U32 Size;
    XF_U32 Version;
    XF_U32 XidMode;                         // XF_XID_MODE_*
    XF_U32 GuardFlags;                      // XF_GUARD_*
    XF_U32 GuardStackThreshold;             // bytes, with XF_GUARD_LOW_STACK
    XF_U32 SelfTest;                        // XF_SELFTEST_*
    XF_U32 OperationFlags[XF_OP_COUNT];     // XF_REG_* per XF_OP_*
    XF_U32 Reserved;                        // must be zero
} XF_CONFIG;                                // 40 bytes

//
//  IOCTL_XF_GET_INFO: no input; output XF_INFO.
//

#define XF_BUILD_WDK            1u  // built with the WDK (MSVC)
#define XF_BUILD_MINGW          2u  // cross-built with mingw-w64
#define XF_BUILD_MODEL          3u  // linked into the kernel model

#define XF_INFO_FILTER_REGISTERED       0x00000001u
#define XF_INFO_FILTERING_STARTED       0x00000002u
#define XF_INFO_PROCESS_NOTIFY          0x00000004u
#define XF_INFO_RELOAD_PENDING          0x00000008u  // saved flags differ from the active registration
#define XF_INFO_CONFIG_FROM_REGISTRY    0x00000010u  // this load read a saved config
#define XF_INFO_PERSISTENT_STATE_KEY    0x00000020u  // config kept in the driver's persistent-state key
                                                     // (IoOpenDriverRegistryKey); clear: the service
                                                     // key's Parameters

typedef struct _XF_INFO {
    XF_U32 Size;
    XF_U32 Version;
    XF_U32 ProtocolVersion;                 // XF_PROTOCOL_VERSION
    XF_U32 DriverVersion;                   // major << 16 | minor << 8 | patch
    XF_U32 BuildFlavor;                     // XF_BUILD_*
    XF_U32 StateFlags;                      // XF_INFO_*
    XF_U32 ActiveOperationFlags[XF_OP_COUNT];   // what FltRegisterFilter got at this load
    XF_U32 SavedOperationFlags[XF_OP_COUNT];    // what the next load will use
    XF_U32 LoadCount;                       // loads recorded in the service key, this one included
    XF_U32 RegisterStatus;                  // NTSTATUS of the last FltRegisterFilter
} XF_INFO;                                  // 56 bytes

//
//  IOCTL_XF_GET_CONFIG: no input; output XF_CONFIG (the saved configuration,
//  whose Xid mode, guard and self-test are also the live ones).
//
//  IOCTL_XF_SET_CONFIG: input XF_SET_CONFIG_REQUEST, output
//  XF_SET_CONFIG_RESPONSE. Everything is validated before anything changes.
//

#define XF_APPLY_NEXT_LOAD              0u  // save; flags take effect when the filter is reloaded
#define XF_APPLY_LIVE_REREGISTER        1u  // EXPERIMENTAL: unregister and register again now

#define XF_SETCFG_SAVED                 0x00000001u  // the config reached the service key
#define XF_SETCFG_RELOAD_REQUIRED       0x00000002u  // new flags wait for the next load
#define XF_SETCFG_REREGISTERED          0x00000004u  // live re-registration succeeded
#define XF_SETCFG_RESTORED              0x00000008u  // it failed, and the previous flags were
                                                     // registered again (RestoreStatus says how)

typedef struct _XF_SET_CONFIG_REQUEST {
    XF_U32 Size;
    XF_U32 Version;
    XF_U32 Apply;                           // XF_APPLY_*
    XF_U32 Reserved;                        // must be zero
    XF_CONFIG Config;
} XF_SET_CONFIG_REQUEST;                    // 56 bytes

typedef struct _XF_SET_CONFIG_RESPONSE {
    XF_U32 Size;
    XF_U32 Version;
    XF_U32 ResultFlags;                     // XF_SETCFG_*
    XF_I32 SaveStatus;                      // NTSTATUS of persisting the config
    XF_I32 ReregisterStatus;                // NTSTATUS of the live re-registration, 0 if not asked
    XF_I32 RestoreStatus;                   // NTSTATUS of registering the previous flags again after
                                            // a failed re-registration, 0 if not needed
} XF_SET_CONFIG_RESPONSE;                   // 24 bytes

//
//  IOCTL_XF_GET_STATS: no input; output XF_STATS.
//  IOCTL_XF_RESET_STATS: no input, no output; zeroes the counters (Loads,
//  Reregistrations and the CacheEntries gauge survive) and sets
//  MinRemainingStack back to its sentinel.
//
//  The Nested*Io counters split the nested callbacks (depth > 1) for paging I/O
//  by the file the I/O was for: the paging file (paged pool, and so the CID
//  handle table, comes back from there), xidfilter.sys's own image (the
//  self-test's pages), any other file. On a real kernel they tell whether
//  CID-table page-ins reach the filter at all.
//
//  The *ReadCallbacks, *WriteCallbacks and CreateCallbacks split the callbacks
//  that are not paging I/O by kind: what a controller needs to tell a filter
//  that stopped seeing a whole kind of I/O (every cached read, say) from one
//  that sees all of it, however small that kind's share of the load. Cached is
//  without IRP_NOCACHE; paging I/O is counted in PagingIoCallbacks alone.
//

#define XF_STACK_NOT_SEEN       0xFFFFFFFFu

typedef struct _XF_STATS {
    XF_U32 Size;
    XF_U32 Version;
    XF_U64 Callbacks;                       // pre-operation callbacks seen
    XF_U64 PagingIoCallbacks;               // of those, with IRP_PAGING_IO
    XF_U64 Lookups;                         // PsLookupProcessByProcessId calls
    XF_U64 LookupFailures;                  // of those, failed
    XF_U64 CacheHits;
    XF_U64 CacheMisses;
    XF_U64 GuardSkips;                      // Xid work skipped by the guard
    XF_U64 SelfTestTouches;                 // self-test page touches
    XF_U64 Reregistrations;                 // live re-registrations that succeeded
    XF_U32 MaxNestingDepth;                 // deepest callback nesting on one thread
    XF_U32 MinRemainingStack;               // bytes, XF_STACK_NOT_SEEN before the first callback
    XF_U32 Loads;                           // loads of the filter (service key counter)
    XF_U32 Reserved;
    XF_U64 NestedPagingFileIo;              // nested paging-I/O callbacks for the paging file
    XF_U64 NestedImageIo;                   // ... for xidfilter.sys's own image
    XF_U64 NestedOtherIo;                   // ... for any other file
    XF_U64 NestingOverflows;                // callbacks whose depth could not be tracked (no free slot)
    XF_U64 SelfTestDepthLimited;            // self-test touches skipped above XF_SELFTEST_MAX_DEPTH
    XF_U64 CacheEntries;                    // processes in the cache now (a gauge, never reset)
    XF_U64 CacheDrops;                      // process creations the cache found no slot for
    XF_U64 CreateCallbacks;                 // callbacks for IRP_MJ_CREATE
    XF_U64 CachedReadCallbacks;             // ... reads without IRP_NOCACHE (never paging I/O)
    XF_U64 NonCachedReadCallbacks;          // ... reads with IRP_NOCACHE, not paging I/O
    XF_U64 CachedWriteCallbacks;            // ... writes without IRP_NOCACHE
    XF_U64 NonCachedWriteCallbacks;         // ... writes with IRP_NOCACHE, not paging I/O
} XF_STATS;                                 // 192 bytes

//
//  IOCTL_XF_QUERY_XID: input XF_QUERY_XID_REQUEST, output XF_QUERY_XID_RESPONSE.
//  Computes the Xid of a process with a given mode so modes can be compared.
//  A failed computation is reported in Status, not as the IOCTL's status.
//

typedef struct _XF_QUERY_XID_REQUEST {
    XF_U32 Size;
    XF_U32 Version;
    XF_U64 ProcessId;
    XF_U32 Mode;                            // XF_XID_MODE_* or XF_XID_MODE_CURRENT
    XF_U32 Reserved;                        // must be zero
} XF_QUERY_XID_REQUEST;                     // 24 bytes

typedef struct _XF_QUERY_XID_RESPONSE {
    XF_U32 Size;
    XF_U32 Version;
    XF_U64 ProcessId;
    XF_U64 Xid;                             // 0 when Status is not success
    XF_U64 CreateTime;                      // the process create time the Xid used
    XF_U32 Mode;                            // the mode actually used
    XF_I32 Status;                          // NTSTATUS of the computation
} XF_QUERY_XID_RESPONSE;                    // 40 bytes

//
//  Compile-time layout checks: a field that moves breaks the build here before
//  it breaks the wire.
//

#if defined(__cplusplus)
#define XF_STATIC_ASSERT(e, m) static_assert(e, m)
#elif defined(_MSC_VER) && !defined(__clang__)
#define XF_STATIC_ASSERT(e, m) typedef char XF_ASSERT_##m[(e) ? 1 : -1]
#else
#define XF_STATIC_ASSERT(e, m) _Static_assert(e, #m)
#endif

XF_STATIC_ASSERT(sizeof(XF_CONFIG) == 40, xf_config_size);
XF_STATIC_ASSERT(sizeof(XF_INFO) == 56, xf_info_size);
XF_STATIC_ASSERT(sizeof(XF_SET_CONFIG_REQUEST) == 56, xf_set_config_request_size);
XF_STATIC_ASSERT(sizeof(XF_SET_CONFIG_RESPONSE) == 24, xf_set_config_response_size);
XF_STATIC_ASSERT(sizeof(XF_STATS) == 192, xf_stats_size);
XF_STATIC_ASSERT(sizeof(XF_QUERY_XID_REQUEST) == 24, xf_query_xid_request_size);
XF_STATIC_ASSERT(sizeof(XF_QUERY_XID_RESPONSE) == 40, xf_query_xid_response_size);

#endif // XIDFILTER_IOCTL_H
