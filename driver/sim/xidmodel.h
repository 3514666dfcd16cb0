/*++

Module Name:

    xidmodel.h

Abstract:

    The exported interface of the kernel model (libxidmodel.so): a user-mode model
    of the Windows mechanisms the minifilter re-entry crash lives in, linked with
    the driver's own portable core (the files of driver/core).

    One XM_MACHINE is one modelled Windows machine: processes and a pageable CID
    handle table, an aging system working set with standby and modified lists
    and a pagefile, a filter manager that honours registration flags,
    0x6000-byte kernel stacks with a double-fault stack, and bugchecks that
    write real kernel minidumps and, when asked, kernel memory dumps. Machines
    are independent; several may run in one process at once.

    Every routine returns an NTSTATUS. After a bugcheck a machine answers
    XM_STATUS_MACHINE_CRASHED (after a hang XM_STATUS_MACHINE_HUNG) to
    everything but XmBoot, XmConfigure, XmGetCrash and (after a hang)
    XmInjectNmi.

Environment:

    User mode (Linux, gcc). Called from Java through JNA.

--*/

#ifndef XIDMODEL_H
#define XIDMODEL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define XM_EXPORT __attribute__((visibility("default")))

#define XM_STATUS_SUCCESS               ((int32_t)0x00000000)
#define XM_STATUS_INVALID_PARAMETER     ((int32_t)0xC000000D)
#define XM_STATUS_NO_SUCH_DEVICE        ((int32_t)0xC000000E)  // driver not loaded: no \Device\XidFilter
#define XM_STATUS_INSUFFICIENT_RESOURCES ((int32_t)0xC000009A)
#define XM_STATUS_INVALID_CID           ((int32_t)0xC000000B)
#define XM_STATUS_MACHINE_CRASHED       ((int32_t)0xC00002EA)  // STATUS_SYSTEM_SHUTDOWN: it bugchecked
#define XM_STATUS_ALREADY_LOADED        ((int32_t)0xC000010E)  // STATUS_IMAGE_ALREADY_LOADED
#define XM_STATUS_OBJECT_NAME_NOT_FOUND ((int32_t)0xC0000034)
#define XM_STATUS_INVALID_HANDLE        ((int32_t)0xC0000008)
#define XM_STATUS_MACHINE_HUNG          ((int32_t)0xC00000B5)  // STATUS_IO_TIMEOUT: it stopped answering
#define XM_STATUS_INVALID_DEVICE_STATE  ((int32_t)0xC0000184)  // an NMI to a machine that is not hung

typedef struct XM_MACHINE XM_MACHINE;

//
//  A load: the same fields as Java's StressProfile, flattened.
//
typedef struct _XM_PROFILE {
    uint32_t Workers;           // modelled threads issuing file I/O, 1..64
    uint32_t Processes;         // user processes alive while it runs (churned), 1..4096
    uint32_t CreatePercent;     // operation mix, adding up to 100
    uint32_t ReadPercent;
    uint32_t WritePercent;
    uint32_t PressurePercent;   // memory demand per pressure cycle, as a share of the pageable pages, 0..100
    uint32_t PressureFlags;     // XM_PRESSURE_*
    uint32_t Reserved;          // must be zero
    uint64_t Operations;        // budget: file operations to issue
    uint64_t Seed;              // every random choice of the run derives from it
} XM_PROFILE;

//
//  After each pressure cycle's demand, also empty the working sets, flush the
//  modified list and purge the standby list, as the Windows lab's load does
//  through NtSetSystemInformation(SystemMemoryListInformation): every pageable
//  page is then in the pagefile and its next touch is a hard fault.
//
#define XM_PRESSURE_PURGE_LISTS     0x00000001u

//
//  How a batch or a request ended.
//
typedef struct _XM_RESULT {
    uint64_t Operations;        // file operations completed
    uint64_t PagingReads;       // page-ins issued as paging I/O
    uint64_t Evictions;         // pages pushed out by memory pressure
    uint32_t Bugchecked;        // non-zero when the machine crashed
    uint32_t CrashDepth;        // callback nesting depth on the crashing thread
    uint64_t BugCheckCode;
    uint64_t BugCheckParameters[4];
    char DumpPath[512];         // the minidump written, empty when none could be
    char KernelDumpPath[512];   // the kernel memory dump written (XM_DUMP_KERNEL), empty when none
    uint32_t Hung;              // non-zero when the machine stopped making progress (see XM_SAME_THREAD_WAIT)
    uint32_t HungDepth;         // callback nesting depth on the thread that hung
    uint64_t SoftFaults;        // faults resolved from the standby or modified list, no I/O
    uint64_t HardFaults;        // faults that read the page (paging I/O or the store)
    uint64_t CollidedFaults;    // faults that waited for another thread's read in flight
    uint64_t SameThreadFaults;  // faults on a page whose read the same thread has in flight
    uint64_t StoreReads;        // hard faults the store manager resolved without file-system I/O
} XM_RESULT;

//
//  How a machine is configured: what a bugcheck writes, how pagefile-backed
//  memory is read back, and the assumptions the model makes where Windows'
//  behaviour is not documented. Set before XmBoot; kept across boots.
//
#define XM_DUMP_MINI                0x00000001u     // %SystemRoot%\Minidump\MMDDYY-NN.dmp (always)
#define XM_DUMP_KERNEL              0x00000002u     // also a kernel memory dump (SDMP bitmap), MEMORY-NN.DMP

#define XM_PAGING_FILESYSTEM        0u  // hard faults of pagefile-backed memory are paging reads of the pagefile
#define XM_PAGING_STORE             1u  // Windows 10+ store manager: pagefile-backed pages come back without
                                        // passing through the file-system stack (image pages still do)

#define XM_SAME_THREAD_REFAULT      0u  // a fault on the page whose read this thread has in flight reads it again
#define XM_SAME_THREAD_WAIT         1u  // ... waits for that read, as a collided fault would: the thread can never
                                        // finish it, and the machine hangs

#define XM_REQUESTOR_FAULTING_THREAD 0u // a paging read names the faulting thread's process as its requestor
#define XM_REQUESTOR_ANY_PROCESS    1u  // ... names a process drawn from the live ones (the per-level reading)

typedef struct _XM_OPTIONS {
    uint32_t Size;              // sizeof(XM_OPTIONS)
    uint32_t DumpKinds;         // XM_DUMP_*
    uint32_t PagingPath;        // XM_PAGING_*
    uint32_t SameThreadFault;   // XM_SAME_THREAD_*
    uint32_t PagingRequestor;   // XM_REQUESTOR_*
} XM_OPTIONS;

//
//  The machine a site runs: what its dumps say of it (build, processors,
//  physical memory) and the file-system filters loaded beside xidfilter.
//
//  A co-resident minifilter is an instance at its altitude: the filter
//  manager calls the pre-operation callbacks of a volume's instances from
//  the highest altitude down, each from the same frame of its pre-callback
//  worker, so a callback above xidfilter's runs (and spends its stack) before
//  xidfilter's at every level of a re-entry, and returns before xidfilter's
//  is called; one below runs only after xidfilter's has returned. A legacy
//  filter is a device attached above the filter manager's: its dispatch
//  routine calls the next driver, so its frame stays on the stack for the
//  whole way down. FrameBytes is the stack a filter's callback (or dispatch
//  routine) takes on an operation it sees, x64: a stated assumption per
//  filter class, which the caller supplies (README, "Reproducing a
//  customer's environment").
//
#define XM_MAX_RESIDENT_FILTERS     32u
#define XM_RESIDENT_NAME_CHARS      48u

#define XM_RESIDENT_SKIP_PAGING_IO  0x00000001u // registered with SKIP_PAGING_IO: paging I/O passes it by
#define XM_RESIDENT_LEGACY          0x00000002u // a legacy filter device above the filter manager's

typedef struct _XM_RESIDENT_FILTER {
    char Module[XM_RESIDENT_NAME_CHARS];   // its image's base name, NUL-terminated: "WdFilter.sys"
    uint32_t AltitudeThousandths;       // 328010 is 328010000, 385250.5 is 385250500
    uint32_t FrameBytes;                // 16..0x4000, a multiple of 16
    uint32_t Flags;                     // XM_RESIDENT_*
    uint32_t Reserved;                  // must be zero
} XM_RESIDENT_FILTER;

typedef struct _XM_ENVIRONMENT {
    uint32_t Size;                      // sizeof(XM_ENVIRONMENT)
    uint32_t Build;                     // the dumps' MinorVersion, 1..0xFFFFFF
    uint32_t Processors;                // the dumps' NumberProcessors, 1..1024
    uint32_t FilterAltitudeThousandths; // xidfilter's instance; no resident minifilter may share it
    uint64_t PhysicalPages;             // the kernel dump's physical memory descriptor, 0x100.. pages
    uint32_t FilterCount;               // 0..XM_MAX_RESIDENT_FILTERS
    uint32_t Reserved;                  // must be zero
    XM_RESIDENT_FILTER Filters[XM_MAX_RESIDENT_FILTERS];
} XM_ENVIRONMENT;

//
//  The environment a new machine has: build 19041, 2 processors, 2 GiB,
//  xidfilter at 385100, nothing loaded beside it.
//
#define XM_DEFAULT_BUILD            19041u
#define XM_DEFAULT_PROCESSORS       2u
#define XM_DEFAULT_PHYSICAL_PAGES   0x80000ull
#define XM_DEFAULT_ALTITUDE         385100000u

XM_EXPORT XM_MACHINE *XmCreate(void);
XM_EXPORT void XmDestroy(XM_MACHINE *Machine);

//
//  The machine's configuration (XM_OPTIONS), from the next boot on.
//
XM_EXPORT int32_t XmConfigure(XM_MACHINE *Machine, const XM_OPTIONS *Options);

//
//  The machine's environment (XM_ENVIRONMENT), from the next operation on;
//  kept across boots. XM_STATUS_INVALID_PARAMETER for a malformed one (two
//  minifilters at one altitude, a frame that is no frame), which changes
//  nothing.
//
XM_EXPORT int32_t XmSetEnvironment(XM_MACHINE *Machine, const XM_ENVIRONMENT *Environment);

//
//  Boots a clean machine (or reboots a crashed one). The service key survives a
//  boot, as the registry does. Minidumps go to DumpDirectory (NULL: none).
//
XM_EXPORT int32_t XmBoot(XM_MACHINE *Machine, const char *DumpDirectory);

//
//  The service key (Parameters\Config and LoadCount) to and from a file, so a
//  configuration outlives the process.
//
XM_EXPORT int32_t XmLoadServiceKey(XM_MACHINE *Machine, const char *Path);
XM_EXPORT int32_t XmSaveServiceKey(XM_MACHINE *Machine, const char *Path);

//
//  fltmc load / sc start: DriverEntry. Refused (XM_STATUS_ALREADY_LOADED) while
//  loaded, or while a handle to a previous instance's device is still open.
//
XM_EXPORT int32_t XmLoadDriver(XM_MACHINE *Machine);

//
//  fltmc unload (FilterUnload, non-mandatory): the driver may refuse it
//  (STATUS_FLT_DO_NOT_DETACH while a handle is open on its control device).
//  sc stop (mandatory): always unloads; handles still open keep reaching the
//  unloaded instance, which fails their requests with STATUS_DELETE_PENDING.
//
XM_EXPORT int32_t XmUnloadDriver(XM_MACHINE *Machine);
XM_EXPORT int32_t XmStopDriver(XM_MACHINE *Machine);

//
//  Makes the filter manager's next FltRegisterFilter fail with Status (< 0).
//
XM_EXPORT int32_t XmFailNextRegistration(XM_MACHINE *Machine, int32_t Status);

//
//  CreateFile / CloseHandle on \\.\XidFilter from the controller's process.
//
XM_EXPORT int32_t XmOpenDevice(XM_MACHINE *Machine, uint64_t *Handle);
XM_EXPORT int32_t XmCloseDevice(XM_MACHINE *Machine, uint64_t Handle);

//
//  DeviceIoControl on \\.\XidFilter from the controller's process: the bytes go
//  to the driver's own IOCTL handling. XmDeviceIoControl opens a handle for
//  the one request and closes it after; XmDeviceIoControlOnHandle uses one
//  XmOpenDevice returned.
//
XM_EXPORT int32_t XmDeviceIoControl(XM_MACHINE *Machine, uint32_t IoControlCode,
                                    const void *InputBuffer, uint32_t InputLength,
                                    void *OutputBuffer, uint32_t OutputLength,
                                    uint32_t *BytesReturned);
XM_EXPORT int32_t XmDeviceIoControlOnHandle(XM_MACHINE *Machine, uint64_t Handle, uint32_t IoControlCode,
                                            const void *InputBuffer, uint32_t InputLength,
                                            void *OutputBuffer, uint32_t OutputLength,
                                            uint32_t *BytesReturned);

XM_EXPORT int32_t XmCreateProcess(XM_MACHINE *Machine, uint64_t *ProcessId);
XM_EXPORT int32_t XmExitProcess(XM_MACHINE *Machine, uint64_t ProcessId);

//
//  The controller's own process id (what ProcessId 0 in a query resolves to).
//
XM_EXPORT uint64_t XmControllerProcessId(XM_MACHINE *Machine);

//
//  One pressure cycle now: evicts Percent of the resident pageable pages.
//
XM_EXPORT int32_t XmApplyMemoryPressure(XM_MACHINE *Machine, uint32_t Percent, uint64_t Seed);

//
//  Runs a load until its budget is spent or the machine bugchecks.
//
XM_EXPORT int32_t XmRunBatch(XM_MACHINE *Machine, const XM_PROFILE *Profile, XM_RESULT *Result);

//
//  The host's diagnostic NMI to a hung machine: what Windows 8 and later do
//  on an NMI, bugcheck 0x80 NMI_HARDWARE_FAILURE (0x004F4454, 0, 0, 0), its
//  minidump written to the dump directory with the hung thread's stack as
//  the call stack. Result is the crash as XmGetCrash then reports it
//  (Bugchecked and Hung both set). XM_STATUS_INVALID_DEVICE_STATE for a
//  machine that is not hung.
//
XM_EXPORT int32_t XmInjectNmi(XM_MACHINE *Machine, XM_RESULT *Result);

//
//  The last bugcheck (or hang) of this boot (Result->Bugchecked and Hung are 0
//  when none).
//
XM_EXPORT int32_t XmGetCrash(XM_MACHINE *Machine, XM_RESULT *Result);

//
//  The driver's telemetry (an XF_STATS) read straight from its memory, as a
//  debugger reads it from a dump: it works after a bugcheck too.
//
XM_EXPORT int32_t XmReadStats(XM_MACHINE *Machine, void *Stats, uint32_t Length);

#ifdef __cplusplus
}
#endif

#endif // XIDMODEL_H
