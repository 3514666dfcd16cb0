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

Environment:

    User mode model.

--*/

#ifndef XM_MODEL_H
#define XM_MODEL_H

#include <pthread.h>
#include <setjmp.h>
#include <stdint.h>
#include "xidmodel.h"
#include "../core/xf_core.h"

#define XM_KERNEL_STACK_SIZE    0x6000u     // x64 KERNEL_STACK_SIZE
#define XM_MAX_FRAMES           512u
#define XM_MAX_THREADS          72u         // 64 workers + system + controller + spare
#define XM_MAX_PROCESSES        4200u
#define XM_CID_PAGE_ENTRIES     256u        // 4 KiB handle-table page of 16-byte entries
#define XM_CID_PAGES            24u         // 6144 handles: pids and tids up to 24572
#define XM_IMAGE_PAGES          XF_SELFTEST_MAX_DEPTH   // pageable pages of xidfilter.sys (the self-test's)
#define XM_OTHER_PAGES          464u        // the rest of paged pool competing for the working set
#define XM_PAGES                (XM_CID_PAGES + XM_IMAGE_PAGES + XM_OTHER_PAGES)
#define XM_PRESSURE_INTERVAL    32u         // file operations between two pressure cycles
#define XM_CHURN_INTERVAL       16u         // file operations between two process exits/creations

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
    XmFnCount
} XM_FUNCTION;

typedef enum _XM_MODULE {
    XmModNtoskrnl,
    XmModHal,
    XmModFltMgr,
    XmModXidFilter,
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

#define XM_NOT_USER 0xFFFFFFFFu

typedef struct _XM_PROCESS {
    uint32_t InUse;
    uint32_t Slot;
    uint32_t UserIndex;         // position in Machine->UserProcesses, or XM_NOT_USER
    uint32_t Reserved;
    uint64_t ProcessId;
    uint64_t CreateTime;        // 100 ns units since 1601, as KeQuerySystemTime
    int64_t References;
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

typedef enum _XM_PAGE_KIND { XmPageCid, XmPageImage, XmPageOther } XM_PAGE_KIND;

typedef struct _XM_PAGE {
    uint8_t Kind;
    uint8_t Resident;
} XM_PAGE;

typedef struct _XM_CID_ENTRY {
    XM_PROCESS *Process;        // NULL: free (or a thread's entry)
    uint32_t IsThread;
    uint32_t NextFree;          // free list, index + 1, 0 = end
} XM_CID_ENTRY;

//
//  The filter manager's view of the one registered filter.
//
typedef struct _XM_FILTER {
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

    int Booted;
    int Crashed;
    XM_RESULT Crash;
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
    XM_SERVICE_KEY ServiceKey;
    int DriverLoaded;
    int NotifyRegistered;

    //
    //  The control device: handles open on it (a handle keeps the device, and
    //  the driver instance behind it, after a mandatory unload).
    //
    uint8_t Handles[XM_MAX_HANDLES];
    uint32_t HandleCount;

    uint64_t PagingReads;
    uint64_t Evictions;

    jmp_buf *CrashJump;                 // where a bugcheck unwinds to
    XM_RANDOM Random;

    XF_CORE Core;
};

//
//  xm_machine.c
//
uint64_t XmRandomNext(XM_RANDOM *Random);
uint32_t XmRandomBelow(XM_RANDOM *Random, uint32_t Bound);
void XmPushFrame(XM_MACHINE *Machine, XM_FUNCTION Function);
void XmPopFrame(XM_MACHINE *Machine);
void XmTouchPage(XM_MACHINE *Machine, uint32_t Page);
uint32_t XmCidPageOf(uint64_t Handle);
XM_PROCESS *XmProcessFromAddress(XM_MACHINE *Machine, void *Address);
void *XmProcessAddress(XM_PROCESS *Process);
uint64_t XmThreadAddress(XM_THREAD *Thread);
void XmBugCheck(XM_MACHINE *Machine, uint64_t Code, uint64_t P1, uint64_t P2, uint64_t P3, uint64_t P4);

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
//  xm_dump.c
//
int XmWriteMinidump(XM_MACHINE *Machine, char *Path, uint32_t PathLength);

#endif // XM_MODEL_H
