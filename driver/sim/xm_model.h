/*++

Module Name:

    xm_model.h

Abstract:

    Internal structures of the kernel model: the machine, its modelled threads
    with their kernel stacks, processes and the CID handle table, pageable pages,
    the filter manager's registration and the driver's service key.

    The modelling assumption the whole crash rests on (the field dump's account,
    not a documented guarantee): a page fault on a paged-out CID handle-table page
    is resolved by paging I/O (IRP_MJ_READ with IRP_PAGING_IO | IRP_NOCACHE) that
    passes through the file-system filter stack, so the minifilter's
    pre-operation callback runs for it BEFORE the page is resident again.
    XM_PAGING_STORE models the Windows 10+ store manager, where it does not.

    Two more are named and switchable (XM_OPTIONS.SameThreadFault and
    PagingRequestor): what a fault on a page whose read the same thread has in
    flight does, and which process a paging read names: see xm_memory.c.

Environment:

    User mode model.

--*/

#ifndef XM_MODEL_H
#define XM_MODEL_H

#include <pthread.h>
#include <setjmp.h>
#include <stddef.h>
#include <stdint.h>
#include "xidmodel.h"
#include "../core/xf_core.h"

#define XM_KERNEL_STACK_SIZE    0x6000u     // x64 KERNEL_STACK_SIZE
#define XM_MAX_FRAMES           512u
#define XM_MAX_THREADS          72u         // 64 workers + system + controller + spare
#define XM_MAX_PROCESSES        4200u
#define XM_CID_PAGE_ENTRIES     256u        // 4 KiB handle-table page of 16-byte entries
#define XM_CID_PAGES            128u        // 32768 handles: pids and tids up to 131068
#define XM_IMAGE_PAGES          XF_SELFTEST_MAX_DEPTH   // pageable pages of xidfilter.sys (the self-test's)
#define XM_OTHER_PAGES          464u        // the rest of paged pool competing for the working set
#define XM_PAGES                (XM_CID_PAGES + XM_IMAGE_PAGES + XM_OTHER_PAGES)
#define XM_PRESSURE_INTERVAL    32u         // file operations between two pressure cycles
#define XM_CHURN_INTERVAL       16u         // file operations between two process exits/creations
#define XM_THREADS_PER_PROCESS  6u          // thread ids a user process takes from the CID table with its pid
#define XM_MAX_AGE              7u          // working-set age saturates here (aging passes without an access)
#define XM_STANDBY_SHARE        4u          // the working set is trimmed to leave 1/4 of the frames as standby
#define XM_FS_PAGES_PER_OP      1u          // paged pool the file system touches for one non-paging operation

#define XM_IRP_NOCACHE          0x00000001u
#define XM_IRP_PAGING_IO        0x00000002u

#define XM_MAX_HANDLES          16u         // handles open on \Device\XidFilter at once

//
//  Modelled kernel functions: every frame a modelled thread pushes is one of
//  these. The cost is the frame's stack use in bytes (x64), the RVA places its
//  return addresses inside the module, so a dump's stack maps back to it.
//
typedef enum _XM_FUNCTION {
    XmFnKiSystemServiceCopyEnd,     // system call entry with its trap frame
    XmFnNtReadFile,
    XmFnIopSynchronousServiceTail,
    XmFnIofCallDriver,
    XmFnFltpDispatch,
    XmFnFltpPerformPreCallbacks,
    XmFnXfPreOperation,
    XmFnXfCorePreOperation,
    XmFnXfSelfTestTouch,
    XmFnPsLookupProcessByProcessId,
    XmFnPspReferenceCidTableEntry,
    XmFnKiPageFault,
    XmFnMmAccessFault,
    XmFnMiIssueHardFault,
    XmFnMiPageRead,
    XmFnIoPageReadEx,
    XmFnNtDeviceIoControlFile,
    XmFnXfDeviceControl,
    XmFnMiWaitForInPageComplete,    // a collided fault waits for another thread's read
    XmFnSmPageRead,                 // the store manager resolves a hard fault (XM_PAGING_STORE)
    XmFnNtfsCommonRead,             // the file system below the filters, touching its paged pool
    XmFnKiDoubleFaultAbort,         // on the double-fault stack: the handler, its KTRAP_FRAME
    XmFnKiBugCheckDispatch,
    XmFnKeBugCheckEx,
    XmFnCount
} XM_FUNCTION;

typedef enum _XM_MODULE {
    XmModNtoskrnl,
    XmModHal,
    XmModFltMgr,
    XmModXidFilter,
    XmModNtfs,
    XmModCount
} XM_MODULE;

typedef struct _XM_FUNCTION_INFO {
    const char *Name;
    XM_MODULE Module;
    uint32_t Rva;               // where the function starts in its module
    uint32_t CallSite;          // offset of the return address of the call it makes
    uint32_t FrameBytes;        // stack the frame takes
} XM_FUNCTION_INFO;

typedef struct _XM_MODULE_INFO {
    const char *Path;           // as the loader records it
    uint64_t Base;
    uint32_t Size;
    uint32_t TimeDateStamp;
    uint32_t CheckSum;
} XM_MODULE_INFO;

extern const XM_FUNCTION_INFO XmFunctions[XmFnCount];
extern const XM_MODULE_INFO XmModules[XmModCount];

//
//  A machine's own images: the modelled kernel's (XmModules, XmFunctions),
//  then per co-resident filter of its environment one module and one
//  function, its callback (or, for a legacy filter, its dispatch routine):
//  filter i is module XmModCount + i and function XmFnCount + i.
//
#define XM_MAX_MODULES          (XmModCount + XM_MAX_RESIDENT_FILTERS)
#define XM_MAX_FUNCTIONS        (XmFnCount + XM_MAX_RESIDENT_FILTERS)
#define XM_RESIDENT_PATH_CHARS  (XM_RESIDENT_NAME_CHARS + 32u)
#define XM_PRE_OURS             0xFFFFFFFFu     // xidfilter's place in the order of pre-callbacks

#define XM_NOT_USER 0xFFFFFFFFu

typedef struct _XM_PROCESS {
    uint32_t InUse;
    uint32_t Slot;
    uint32_t UserIndex;         // position in Machine->UserProcesses, or XM_NOT_USER
    uint32_t Reserved;
    uint64_t ProcessId;
    uint64_t CreateTime;        // 100 ns units since 1601, as KeQuerySystemTime
    int64_t References;
    uint32_t ThreadIds[XM_THREADS_PER_PROCESS];    // CID indexes of its threads, 0 for none
} XM_PROCESS;

typedef struct _XM_THREAD {
    uint64_t ThreadId;
    uint32_t Slot;
    XM_PROCESS *Process;
    uint32_t StackUsed;
    uint32_t FrameCount;
    uint16_t Frames[XM_MAX_FRAMES];
    uint32_t MaxFrames;
} XM_THREAD;

//
//  The double fault as the processor and KiDoubleFaultAbort leave it: the
//  thread whose stack ran out, the frame that did not fit, and where the
//  KTRAP_FRAME went on the double-fault (IST) stack.
//
typedef struct _XM_DOUBLE_FAULT {
    XM_THREAD *Thread;
    uint32_t Function;          // XM_FUNCTION the fault is in: the one whose frame did not fit, or its caller
    uint32_t CallFaulted;       // the call's push of the return address was the first touch of the guard page
    uint64_t Rip;               // the faulting instruction: that function's prologue, or the caller's call
    uint64_t Rsp;               // the thread's RSP at the fault: in the guard page, or at the stack limit
    uint64_t TrapFrame;         // the KTRAP_FRAME on the double-fault stack
    uint64_t ContextRsp;        // KeBugCheckEx's RSP on the double-fault stack
} XM_DOUBLE_FAULT;

//
//  Where things are in the modelled kernel's address space (xm_images.c).
//
uint64_t XmStackBase(const XM_THREAD *Thread);
#define XM_IST_STACK_BASE       0xfffff8047e6aa000ull   // the double-fault stack's top (TSS.IST[1])
#define XM_IST_STACK_SIZE       0x6000u
#define XM_TRAP_FRAME_SIZE      0x190u                  // KTRAP_FRAME, x64
#define XM_KERNEL_CS            0x10u
#define XM_CALL_SIZE            5u                      // call rel32: a return address is 5 bytes past its call
#define XM_KERNEL_SS            0x18u

typedef enum _XM_PAGE_KIND { XmPageCid, XmPageImage, XmPageOther } XM_PAGE_KIND;

//
//  Where a pageable page is, as the memory manager tracks it (xm_memory.c).
//
typedef enum _XM_PAGE_STATE {
    XmPageActive,       // in the system working set: a valid PTE
    XmPageStandby,      // trimmed, clean: a transition PTE, a soft fault brings it back
    XmPageModified,     // trimmed, dirty: a transition PTE until the modified page writer writes it
    XmPageOut,          // in the pagefile (or, for image pages, only in the image file): a hard fault
    XmPageInPage        // a read in flight: a transition PTE with its read in progress
} XM_PAGE_STATE;

typedef struct _XM_PAGE {
    uint8_t Kind;           // XM_PAGE_KIND
    uint8_t State;          // XM_PAGE_STATE
    uint8_t Age;            // aging passes since the last access, up to XM_MAX_AGE
    uint8_t Accessed;       // the PTE's access bit: set by a touch, cleared by aging
    uint8_t Dirty;          // written since it was last written to the pagefile
    uint8_t ReadDepth;      // reads of it the owning thread has in flight at once (its chain is running)
    uint16_t Reserved;
    uint32_t ReadThread;    // slot + 1 of the thread whose read is in flight, 0 when none
    uint32_t Reserved2;
    uint64_t ReadDone;      // the operation number at which that read has completed
    uint64_t ListedAt;      // when it went to the standby list: the oldest are repurposed first
} XM_PAGE;

typedef struct _XM_CID_ENTRY {
    XM_PROCESS *Process;        // NULL: free (or a thread's entry)
    uint32_t IsThread;
    uint32_t NextFree;          // free list, index + 1, 0 = end
} XM_CID_ENTRY;

struct _XM_CALLBACK_DATA;

//
//  The pre-operation callback a filter registers (FLT_REGISTRATION's
//  operation table): the filter manager calls the driver through it, as
//  FltMgr calls a minifilter, so xm_fltmgr.c does not name the driver.
//
typedef void XM_PRE_OPERATION(XM_MACHINE *Machine, struct _XM_CALLBACK_DATA *Data);

//
//  A paging read going down the storage stack: the memory manager issues it
//  through this pointer, as IoPageRead goes through the paging file's device
//  objects, so xm_memory.c does not name the filter manager above it.
//
typedef void XM_PAGING_READ(XM_MACHINE *Machine, uint32_t Operation, uint32_t IrpFlags, XM_PROCESS *Requestor,
                            uint32_t Target);

//
//  The process-notify routine a driver registers: process creation and exit
//  call it through the pointer, as the kernel calls its notify routines.
//
typedef void XM_PROCESS_NOTIFY(XM_MACHINE *Machine, XM_PROCESS *Process, int Created);

//
//  The filter manager's view of the one registered filter.
//
typedef struct _XM_FILTER {
    XM_PRE_OPERATION *PreOperation;         // the driver's pre-operation callback
    int Registered;
    int Filtering;
    uint32_t OperationFlags[XF_OP_COUNT];   // FLTFL_OPERATION_REGISTRATION_* per operation
    uint64_t Generation;                    // bumped at each register
    int64_t InFlight;                       // callbacks running (rundown)
    int32_t FailNextRegistration;           // an NTSTATUS the next FltRegisterFilter returns, 0: none
} XM_FILTER;

//
//  The driver's service key.
//
typedef struct _XM_SERVICE_KEY {
    int HasConfig;
    XF_CONFIG Config;
    uint32_t LoadCount;
} XM_SERVICE_KEY;

typedef struct _XM_RANDOM {
    uint64_t State;
} XM_RANDOM;

struct XM_MACHINE {
    pthread_mutex_t Lock;               // one modelled operation or request at a time
    pthread_mutex_t CoreLock;           // XfPlatLock
    char DumpDirectory[400];
    XM_OPTIONS Options;

    int Booted;
    int Crashed;                        // bugchecked or hung: it takes no more work until booted
    int Hung;
    XM_THREAD *HungThread;              // the thread that waits forever, while hung
    XM_RESULT Crash;
    XM_DOUBLE_FAULT DoubleFault;
    uint64_t BootTime;                  // 100 ns since 1601
    uint64_t Clock;                     // advances per modelled operation

    XM_PROCESS Processes[XM_MAX_PROCESSES];
    XM_PROCESS *UserProcesses[XM_MAX_PROCESSES];    // live user processes, for picking one in O(1)
    uint32_t UserProcessCount;
    XM_CID_ENTRY Cid[XM_CID_PAGES * XM_CID_PAGE_ENTRIES];
    uint32_t CidFreeHead;
    uint32_t CidNext;
    XM_PAGE Pages[XM_PAGES];

    XM_THREAD Threads[XM_MAX_THREADS];
    uint32_t ThreadCount;
    XM_THREAD *Current;                 // the thread the model is running now
    XM_PROCESS *SystemProcess;
    XM_PROCESS *ControllerProcess;
    XM_THREAD *ControllerThread;

    XM_FILTER Filter;
    XM_PAGING_READ *PagingRead;         // the storage stack under the memory manager
    XM_SERVICE_KEY ServiceKey;
    int DriverLoaded;
    XM_PROCESS_NOTIFY *ProcessNotify;   // PsSetCreateProcessNotifyRoutine's, NULL: none

    //
    //  The control device: handles open on it (a handle keeps the device, and
    //  the driver instance behind it, after a mandatory unload).
    //
    uint8_t Handles[XM_MAX_HANDLES];
    uint32_t HandleCount;

    uint64_t PagingReads;
    uint64_t Evictions;
    uint64_t SoftFaults;
    uint64_t HardFaults;
    uint64_t CollidedFaults;
    uint64_t SameThreadFaults;
    uint64_t StoreReads;
    uint64_t OperationNumber;           // operations run this boot: the clock of in-page reads
    uint32_t Workers;                   // of the running load: how long a read keeps its thread waiting
    uint32_t Reserved;

    jmp_buf *CrashJump;                 // where a bugcheck unwinds to
    XM_RANDOM Random;

    XF_CORE Core;

    //
    //  The site the machine stands for (XmSetEnvironment) and its images:
    //  the minifilter instances' pre-callbacks by descending altitude
    //  (resident filter indexes, XM_PRE_OURS for xidfilter's), and the
    //  legacy filters' devices from the top of the stack down.
    //
    XM_ENVIRONMENT Environment;
    XM_MODULE_INFO Modules[XM_MAX_MODULES];
    XM_FUNCTION_INFO Functions[XM_MAX_FUNCTIONS];
    char ModulePaths[XM_MAX_RESIDENT_FILTERS][XM_RESIDENT_PATH_CHARS];
    uint32_t ModuleCount;
    uint32_t FunctionCount;
    uint32_t PreOrder[XM_MAX_RESIDENT_FILTERS + 1];
    uint32_t PreCount;
    uint32_t LegacyOrder[XM_MAX_RESIDENT_FILTERS];
    uint32_t LegacyCount;
};

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

//
//  The files of the model, each using only the ones listed before it
//  (ModelGraphTest holds them to that): xm_images.c, xm_random.c, the dump
//  writers, xm_bugcheck.c, xm_stack.c, xm_memory.c, xm_fltmgr.c,
//  xm_process.c, xm_platform.c, the portable core, xm_driver.c,
//  xm_machine.c, xm_api.c. Where the real kernel calls up (the memory
//  manager's paging read, the filter manager's callbacks) the model calls
//  through a pointer, as Windows does.
//

//
//  xm_images.c: where things are
//
uint32_t XmCidPageOf(uint64_t Handle);
XM_PROCESS *XmProcessFromAddress(XM_MACHINE *Machine, void *Address);
void *XmProcessAddress(XM_PROCESS *Process);
uint64_t XmThreadAddress(XM_THREAD *Thread);

//
//  xm_random.c
//
uint64_t XmRandomNext(XM_RANDOM *Random);
uint32_t XmRandomBelow(XM_RANDOM *Random, uint32_t Bound);
XM_PROCESS *XmRandomUserProcess(XM_MACHINE *Machine);

//
//  xm_stack.c
//
void XmPushFrame(XM_MACHINE *Machine, uint32_t Function);
void XmPopFrame(XM_MACHINE *Machine);

//
//  xm_bugcheck.c
//
void XmBugCheck(XM_MACHINE *Machine, uint64_t Code, uint64_t P1, uint64_t P2, uint64_t P3, uint64_t P4);

//
//  xm_process.c
//
XM_PROCESS *XmProcessCreate(XM_MACHINE *Machine);
void XmProcessExit(XM_MACHINE *Machine, XM_PROCESS *Process);
XM_THREAD *XmThreadCreate(XM_MACHINE *Machine, XM_PROCESS *Process);
uint32_t XmUserProcessCount(XM_MACHINE *Machine);
XM_PROCESS *XmIssuingProcess(XM_MACHINE *Machine);

//
//  xm_memory.c
//
void XmMemoryBoot(XM_MACHINE *Machine);
void XmTouchPage(XM_MACHINE *Machine, uint32_t Page, int Write);
void XmPressureCycle(XM_MACHINE *Machine, uint32_t Percent, uint32_t Flags);
void XmHang(XM_MACHINE *Machine);

//
//  xm_fltmgr.c
//
typedef struct _XM_CALLBACK_DATA {
    uint32_t MajorFunction;             // XF_OP_*
    uint32_t IrpFlags;                  // XM_IRP_*
    XM_PROCESS *Requestor;
    uint32_t Target;                    // the file the I/O is for: XF_IO_TARGET_*
} XM_CALLBACK_DATA;

void XmFltDispatch(XM_MACHINE *Machine, uint32_t Operation, uint32_t IrpFlags, XM_PROCESS *Requestor);
void XmFltDispatchFile(XM_MACHINE *Machine, uint32_t Operation, uint32_t IrpFlags, XM_PROCESS *Requestor,
                       uint32_t Target);
int32_t XmFltRegisterFilter(XM_MACHINE *Machine, const uint32_t OperationFlags[XF_OP_COUNT]);
int32_t XmFltStartFiltering(XM_MACHINE *Machine);
void XmFltUnregisterFilter(XM_MACHINE *Machine);
void XmFltInstallEnvironment(XM_MACHINE *Machine, const XM_ENVIRONMENT *Environment);
int XmFltEnvironmentValid(const XM_ENVIRONMENT *Environment);

//
//  xm_driver.c
//
int32_t XmDriverEntry(XM_MACHINE *Machine);
int32_t XmDriverUnload(XM_MACHINE *Machine, int Mandatory);
int32_t XmDriverCreate(XM_MACHINE *Machine);
void XmDriverClose(XM_MACHINE *Machine);
void XmDriverPreOperation(XM_MACHINE *Machine, XM_CALLBACK_DATA *Data);
void XmDriverProcessNotify(XM_MACHINE *Machine, XM_PROCESS *Process, int Created);
int32_t XmDriverDeviceControl(XM_MACHINE *Machine, uint32_t Code, const void *In, uint32_t InLength,
                              void *Out, uint32_t OutLength, uint32_t *BytesReturned);

//
//  xm_dump.c: the minidump, and what both dump writers share
//
int XmWriteMinidump(XM_MACHINE *Machine, char *Path, uint32_t PathLength);
int XmWriteNmiMinidump(XM_MACHINE *Machine, const XM_THREAD *Thread, char *Path, uint32_t PathLength);
uint32_t XmDumpHeader(XM_MACHINE *Machine, uint8_t *Dump, uint32_t DumpType, uint64_t ContextRsp,
                      uint64_t ContextRip);
uint64_t XmFunctionAddress(const XM_MACHINE *Machine, uint32_t Function);
void XmRenderStack(XM_MACHINE *Machine, const XM_THREAD *Thread, uint64_t Address, uint8_t *Buffer,
                   uint32_t Length);
void XmRenderDoubleFaultStack(XM_MACHINE *Machine, uint64_t Address, uint8_t *Buffer, uint32_t Length);
uint64_t XmReturnAddress(const XM_MACHINE *Machine, uint32_t Caller);
void XmNameDumpFile(const char *Directory, const char *Pattern, char *Path, uint32_t PathLength);
int XmWriteDumpFile(const char *Path, const uint8_t *Data, size_t Size);

//
//  xm_kdump.c: the kernel memory dump
//
int XmWriteKernelDump(XM_MACHINE *Machine, char *Path, uint32_t PathLength);

#endif // XM_MODEL_H
