/*++

Module Name:

    xm_images.c

Abstract:

    Where things are in the modelled kernel's address space: the loaded
    images and the functions the model runs in them, the threads and their
    kernel stacks, the processes and the CID table's pages. Plain layout:
    nothing here calls another file of the model.

Environment:

    User mode model.

--*/

#include "xm_model.h"

//
//  The driver's module name in the modelled machine's loaded-module list and
//  its dumps: xidfilter.sys, or the name of the vendor's filter the model's
//  build stands in for (make -C driver standin-package).
//
#ifndef XM_DRIVER_MODULE
#define XM_DRIVER_MODULE    "xidfilter.sys"
#endif

#define XM_PROCESS_VA_BASE  0xffffa58000000000ull
#define XM_THREAD_VA_BASE   0xffffa58400000000ull

const XM_MODULE_INFO XmModules[XmModCount] = {
    { "\\SystemRoot\\system32\\ntoskrnl.exe",        0xfffff8047ba00000ull, 0x01046000u, 0x0d8333e6u, 0x00a5938cu },
    { "\\SystemRoot\\system32\\hal.dll",             0xfffff8047b944000ull, 0x000bc000u, 0x2b4a6d59u, 0x000c3a12u },
    { "\\SystemRoot\\System32\\drivers\\FLTMGR.SYS", 0xfffff80477e00000ull, 0x00074000u, 0x5a0d8f6bu, 0x0007d1e4u },
    { "\\SystemRoot\\System32\\drivers\\" XM_DRIVER_MODULE, 0xfffff8047a3c0000ull, 0x00009000u, 0x6560b2a1u, 0x0000f3c8u },
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

uint64_t
XmThreadAddress(
    XM_THREAD *Thread
    )
/*++

Routine Description:

    The ETHREAD address of a modelled thread.

--*/
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

uint32_t
XmCidPageOf(
    uint64_t Handle
    )
/*++

Routine Description:

    The CID table page that holds a handle's entry.

--*/
{
    return (uint32_t)((Handle / 4) / XM_CID_PAGE_ENTRIES);
}

void *
XmProcessAddress(
    XM_PROCESS *Process
    )
/*++

Routine Description:

    The EPROCESS address of a modelled process.

--*/
{
    return (void *)(uintptr_t)(XM_PROCESS_VA_BASE + (uint64_t)Process->Slot * 0x1000 + 0x80);
}

XM_PROCESS *
XmProcessFromAddress(
    XM_MACHINE *Machine,
    void *Address
    )
/*++

Routine Description:

    The modelled process at an EPROCESS address; NULL when there is none.

--*/
{
    uint64_t va = (uint64_t)(uintptr_t)Address;
    uint64_t slot;

    if (va < XM_PROCESS_VA_BASE) {
        return NULL;
    }
    slot = (va - XM_PROCESS_VA_BASE) >> 12;
    return slot < XM_MAX_PROCESSES ? &Machine->Processes[slot] : NULL;
}
