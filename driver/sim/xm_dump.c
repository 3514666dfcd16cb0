/*++

Module Name:

    xm_dump.c

Abstract:

    Writes the kernel minidump a crashed model machine leaves behind, in the
    format Windows writes to %SystemRoot%\Minidump (the layout public dump
    parsers agree on: kdmp-parser, rizin, Volatility), and what the minidump
    and the kernel memory dump (xm_kdump.c) share: the DUMP_HEADER64 and the
    contents of the stacks.

      0x0000  DUMP_HEADER64, 0x2000 bytes, unused space filled with "PAGE":
              'PAGE' 'DU64', versions, DirectoryTableBase, PsLoadedModuleList,
              MachineImageType 0x8664, processors, BugCheckCode at 0x38, four
              parameters from 0x40, the CONTEXT of the processor that
              bugchecked at 0x348, an EXCEPTION_RECORD64 at 0xF00, DumpType at
              0xF98, RequiredDumpSpace, SystemTime, SystemUpTime at 0x1030
      0x2000  TRIAGE_DUMP64, 0x80 bytes; every offset in it is a file offset
              then   unloaded drivers (a count, none here)
              then   the call stack: from the context's RSP up, at most 16 KiB
              then   the driver list: 0x90-byte entries (a ULONG string-pool
                     offset for the name, then an LDR_DATA_TABLE_ENTRY64 with
                     DllBase at entry+0x38, SizeOfImage at +0x48, CheckSum at
                     +0x80 and TimeDateStamp at +0x88)
              then   the string pool: per name a ULONG character count, the
                     UTF-16 characters and a NUL, each entry 8-aligned
              then   TRIAGE_DATA_BLOCKs ({u64 Address, u32 Offset, u32 Size})
                     and their bytes
              last   the 'DGRT' valid marker at ValidOffset

    What a double fault's minidump holds. The context is the one KeBugCheckEx
    was called with, and on x64 that is on the double-fault stack, so the call
    stack Windows captures (from the context's RSP, at most 16 KiB: the
    debugger's triage writer caps it at MAX_TRIAGE_STACK_SIZE) is that small
    stack: KeBugCheckEx, KiBugCheckDispatch, KiDoubleFaultAbort and its
    KTRAP_FRAME. Whether the exhausted thread stack is in the minidump is not
    documented: the triage writer adds data blocks for memory that the context
    and the captured memory point to (Windows 10 minidumps carry hundreds, the
    0x100 bytes around each pointer), and the trap frame's RSP points into that
    stack. The model writes, as data blocks, the thread stack from its limit up,
    16 KiB of it: what a writer that followed the trap frame's RSP as far as its
    stack cap would keep. On a real machine prefer the kernel memory dump, which
    holds the whole stack; the collector says when a minidump does not.

Environment:

    User mode model.

--*/

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "xm_model.h"
#include "xm_dump_layout.h"

#define XM_DUMP_HEADER_SIZE     XM_DUMP_HEADER64_SIZE
#define XM_TRIAGE_SIZE          XM_TRIAGE_DUMP64_SIZE
#define XM_DRIVER_ENTRY_SIZE    XM_DUMP_DRIVER_ENTRY64_SIZE
#define XM_CONTEXT_OFFSET       XM_DUMP_HEADER64_ContextRecord
#define XM_EXCEPTION_OFFSET     XM_DUMP_HEADER64_Exception
#define XM_STACK_CAPTURE        0x4000u     // the triage writer keeps at most this much stack
#define XM_TRIAGE_BLOCK_SIZE    XM_TRIAGE_DATA_BLOCK64_SIZE

static void
Put32(
    uint8_t *Buffer,
    uint32_t Offset,
    uint32_t Value
    )
{
    memcpy(Buffer + Offset, &Value, 4);     // the model runs on little-endian x86-64, as the format is
}

static void
Put64(
    uint8_t *Buffer,
    uint32_t Offset,
    uint64_t Value
    )
{
    memcpy(Buffer + Offset, &Value, 8);
}

static uint32_t
Align8(
    uint32_t Value
    )
{
    return (Value + 7u) & ~7u;
}

uint64_t
XmReturnAddress(
    const XM_MACHINE *Machine,
    uint32_t Caller
    )
{
    const XM_FUNCTION_INFO *f = &Machine->Functions[Caller];

    return Machine->Modules[f->Module].Base + f->Rva + f->CallSite;
}

void
XmNameDumpFile(
    const char *Directory,
    const char *Pattern,
    char *Path,
    uint32_t PathLength
    )
/*++

Routine Description:

    Windows names minidumps MMDDYY-NN.dmp, NN counting the day's dumps; the
    kernel memory dump is MEMORY.DMP, which the model numbers the same way so
    several crashes in one directory keep theirs. Pattern is a printf format
    with the date (three %02d) and the number (%02d).

--*/
{
    time_t now = time(NULL);
    struct tm local;
    struct stat st;
    int n;

    localtime_r(&now, &local);
    for (n = 1; n < 100; n++) {
        char name[64];
        snprintf(name, sizeof(name), Pattern, local.tm_mon + 1, local.tm_mday, local.tm_year % 100, n);
        snprintf(Path, PathLength, "%s/%s", Directory, name);
        if (stat(Path, &st) != 0) {
            return;
        }
    }
}

/*************************************************************************
    What both dumps hold
*************************************************************************/

void
XmRenderStack(
    XM_MACHINE *Machine,
    const XM_THREAD *Thread,
    uint64_t Address,
    uint8_t *Buffer,
    uint32_t Length
    )
/*++

Routine Description:

    The bytes of a thread's kernel stack in [Address, Address + Length): each
    modelled frame, laid from the stack base down, holds the return address
    into its caller in its top 8 bytes (where x64 code finds it when the
    frame's allocation is popped) and, 8 bytes above its bottom, the thread's
    process (a kernel pointer in no module, as real stacks are full of). On
    the thread that double-faulted inside a function's prologue, the call into
    that function had pushed its return address below the last frame.

--*/
{
    const XM_DOUBLE_FAULT *df = &Machine->DoubleFault;
    uint64_t top = XmStackBase(Thread);
    uint32_t i;

    memset(Buffer, 0, Length);
    if (Thread == df->Thread && !df->CallFaulted && Thread->FrameCount > 0) {
        uint64_t slot = top - Thread->StackUsed - 8;
        if (slot >= Address && slot + 8 <= Address + Length) {
            Put64(Buffer, (uint32_t)(slot - Address),
                  XmReturnAddress(Machine, Thread->Frames[Thread->FrameCount - 1]));
        }
    }
    for (i = 0; i < Thread->FrameCount; i++) {
        uint32_t bytes = Machine->Functions[Thread->Frames[i]].FrameBytes;
        uint64_t bottom = top - bytes;
        uint64_t slots[2] = { bottom + 8, top - 8 };
        uint64_t values[2] = { (uint64_t)(uintptr_t)XmProcessAddress(Thread->Process),
                               i > 0 ? XmReturnAddress(Machine, Thread->Frames[i - 1]) : 0 };
        uint32_t s;

        for (s = 0; s < 2; s++) {
            if (values[s] != 0 && slots[s] >= Address && slots[s] + 8 <= Address + Length) {
                Put64(Buffer, (uint32_t)(slots[s] - Address), values[s]);
            }
        }
        top = bottom;
    }
}

void
XmRenderDoubleFaultStack(
    XM_MACHINE *Machine,
    uint64_t Address,
    uint8_t *Buffer,
    uint32_t Length
    )
/*++

Routine Description:

    The bytes of the double-fault stack in [Address, Address + Length): from
    the top, 0x20 bytes the handler leaves, then the KTRAP_FRAME (its last 0x30
    bytes the processor's own push: error code, RIP, CS, RFLAGS, RSP, SS; the
    model fills Rip at +0x168, SegCs +0x170, EFlags +0x178, Rsp +0x180, SegSs
    +0x188 and Rbp +0x158, the thread's frame pointer at the fault), below it
    the return into KiDoubleFaultAbort, KiBugCheckDispatch's frame, and the
    return into KiBugCheckDispatch where KeBugCheckEx's RSP points.

--*/
{
    const XM_DOUBLE_FAULT *df = &Machine->DoubleFault;
    uint8_t frame[XM_TRAP_FRAME_SIZE];
    uint64_t at;
    struct { uint64_t Where; uint64_t Value; } words[] = {
        { df->ContextRsp, XmReturnAddress(Machine, XmFnKiBugCheckDispatch) },
        { df->TrapFrame - 8, XmReturnAddress(Machine, XmFnKiDoubleFaultAbort) },
    };
    uint32_t w;

    memset(Buffer, 0, Length);
    memset(frame, 0, sizeof(frame));
    Put64(frame, 0x158, df->Rsp + Machine->Functions[df->Function].FrameBytes);
    Put64(frame, 0x168, df->Rip);
    Put32(frame, 0x170, XM_KERNEL_CS);
    Put32(frame, 0x178, 0x00010282);
    Put64(frame, 0x180, df->Rsp);
    Put32(frame, 0x188, XM_KERNEL_SS);
    for (at = df->TrapFrame; at < df->TrapFrame + XM_TRAP_FRAME_SIZE; at++) {
        if (at >= Address && at < Address + Length) {
            Buffer[at - Address] = frame[at - df->TrapFrame];
        }
    }
    for (w = 0; w < sizeof(words) / sizeof(words[0]); w++) {
        if (words[w].Where >= Address && words[w].Where + 8 <= Address + Length) {
            Put64(Buffer, (uint32_t)(words[w].Where - Address), words[w].Value);
        }
    }
}

/*++

Routine Description:

    The DUMP_HEADER64 of either dump, with the context of the processor that
    bugchecked (ContextRsp, ContextRip): for a double fault, KeBugCheckEx's
    entry on the double-fault stack. Returns its size.

--*/
uint32_t
XmDumpHeader(
    XM_MACHINE *Machine,
    uint8_t *Dump,
    uint32_t DumpType,
    uint64_t ContextRsp,
    uint64_t ContextRip
    )
{
    uint32_t i;

    for (i = 0; i < XM_DUMP_HEADER_SIZE; i += 4) {
        memcpy(Dump + i, "PAGE", 4);
    }
    memcpy(Dump + XM_DUMP_HEADER64_ValidDump, "DU64", 4);
    Put32(Dump, XM_DUMP_HEADER64_MajorVersion, 0xF);  // free build
    // the site's build; the model's own: 19041, Windows 10 2004
    Put32(Dump, XM_DUMP_HEADER64_MinorVersion, Machine->Environment.Build);
    Put64(Dump, XM_DUMP_HEADER64_DirectoryTableBase, 0x1ad000);  // the kernel dump sets its own
    Put64(Dump, XM_DUMP_HEADER64_PfnDataBase, 0xfffff8047c6fc500ull);
    Put64(Dump, XM_DUMP_HEADER64_PsLoadedModuleList, 0xfffff8047c62a390ull);
    Put64(Dump, XM_DUMP_HEADER64_PsActiveProcessHead, 0xfffff8047c61e200ull);
    Put32(Dump, XM_DUMP_HEADER64_MachineImageType, 0x8664);  // IMAGE_FILE_MACHINE_AMD64
    Put32(Dump, XM_DUMP_HEADER64_NumberProcessors, Machine->Environment.Processors);
    Put32(Dump, XM_DUMP_HEADER64_BugCheckCode, (uint32_t)Machine->Crash.BugCheckCode);
    Put32(Dump, XM_DUMP_HEADER64_BugCheckCode + 4, 0);  // the padding before the parameters
    for (i = 0; i < 4; i++) {
        Put64(Dump, XM_DUMP_HEADER64_BugCheckParameter1 + 8 * i, Machine->Crash.BugCheckParameters[i]);
    }
    Put64(Dump, XM_DUMP_HEADER64_KdDebuggerDataBlock, 0xfffff8047c600b20ull);

    memset(Dump + XM_CONTEXT_OFFSET, 0, XM_EXCEPTION_OFFSET - XM_CONTEXT_OFFSET);
    Put32(Dump, XM_CONTEXT_OFFSET + XM_CONTEXT64_ContextFlags, 0x0010001F);  // CONTEXT_AMD64 | CONTEXT_FULL | SEGMENTS
    Put32(Dump, XM_CONTEXT_OFFSET + XM_CONTEXT64_SegCs, XM_KERNEL_CS);
    Put32(Dump, XM_CONTEXT_OFFSET + XM_CONTEXT64_SegSs, XM_KERNEL_SS);
    Put32(Dump, XM_CONTEXT_OFFSET + XM_CONTEXT64_EFlags, 0x00000282);
    Put64(Dump, XM_CONTEXT_OFFSET + XM_CONTEXT64_Rcx, Machine->Crash.BugCheckCode);  // the code
    Put64(Dump, XM_CONTEXT_OFFSET + XM_CONTEXT64_Rdx, Machine->Crash.BugCheckParameters[0]);  // parameter 1
    Put64(Dump, XM_CONTEXT_OFFSET + XM_CONTEXT64_Rsp, ContextRsp);
    Put64(Dump, XM_CONTEXT_OFFSET + XM_CONTEXT64_Rip, ContextRip);
    memset(Dump + XM_EXCEPTION_OFFSET, 0, 0x98);

    Put32(Dump, XM_DUMP_HEADER64_DumpType, DumpType);
    Put64(Dump, XM_DUMP_HEADER64_SystemTime, Machine->BootTime + Machine->Clock);
    Put64(Dump, XM_DUMP_HEADER64_SystemUpTime, Machine->Clock);
    Put32(Dump, XM_DUMP_HEADER64_MiniDumpFields, 0xCFF);
    Put32(Dump, XM_DUMP_HEADER64_ProductType, 1);  // workstation
    Put32(Dump, XM_DUMP_HEADER64_SuiteMask, 0x110);
    return XM_DUMP_HEADER_SIZE;
}

int
XmWriteDumpFile(
    const char *Path,
    const uint8_t *Data,
    size_t Size
    )
{
    FILE *f = fopen(Path, "wb");
    int ok = f != NULL && fwrite(Data, 1, Size, f) == Size;

    if (f != NULL && fclose(f) != 0) {
        ok = 0;
    }
    return ok;
}

/*************************************************************************
    The minidump
*************************************************************************/

uint64_t
XmFunctionAddress(
    const XM_MACHINE *Machine,
    uint32_t Function
    )
{
    const XM_FUNCTION_INFO *f = &Machine->Functions[Function];

    return Machine->Modules[f->Module].Base + f->Rva;
}

//
//  What a minidump's triage block captures: the context of the processor that
//  bugchecked, the call stack from its RSP up (at most XM_STACK_CAPTURE), and
//  optionally a thread stack kept as a data block, from its limit up.
//
typedef struct _XM_TRIAGE_CAPTURE {
    uint64_t ContextRsp;
    uint64_t ContextRip;
    const uint8_t *Stack;
    uint32_t StackBytes;
    const XM_THREAD *Block;     // NULL for none
} XM_TRIAGE_CAPTURE;

static int
XmWriteTriageDump(
    XM_MACHINE *Machine,
    const XM_TRIAGE_CAPTURE *Capture,
    char *Path,
    uint32_t PathLength
    )
{
    uint64_t blockAddress = Capture->Block == NULL ? 0 : XmStackBase(Capture->Block) - XM_KERNEL_STACK_SIZE;
    uint32_t blockBytes = Capture->Block == NULL ? 0 : XM_STACK_CAPTURE;
    uint32_t unloadedOffset = XM_DUMP_HEADER_SIZE + XM_TRIAGE_SIZE;
    uint32_t stackOffset = unloadedOffset + 8;
    uint32_t driverOffset = Align8(stackOffset + Capture->StackBytes);
    uint32_t poolOffset = driverOffset + Machine->ModuleCount * XM_DRIVER_ENTRY_SIZE;
    uint32_t poolSize = 0, blockTable, blockData, validOffset, size, i, offset;
    uint8_t *d;
    int ok;

    for (i = 0; i < Machine->ModuleCount; i++) {
        poolSize += Align8(4 + 2 * ((uint32_t)strlen(Machine->Modules[i].Path) + 1));
    }
    blockTable = poolOffset + poolSize;
    blockData = blockTable + (Capture->Block == NULL ? 0 : XM_TRIAGE_BLOCK_SIZE);
    validOffset = blockData + blockBytes;
    size = validOffset + 4;

    d = calloc(1, size);
    if (d == NULL) {
        Path[0] = '\0';
        return 0;
    }

    XmDumpHeader(Machine, d, 4, Capture->ContextRsp, Capture->ContextRip);     // DumpType: triage
    Put64(d, XM_DUMP_HEADER64_RequiredDumpSpace, size);

    //
    //  TRIAGE_DUMP64.
    //
    Put32(d, XM_DUMP_HEADER_SIZE + XM_TRIAGE_DUMP64_SizeOfDump, size);
    Put32(d, XM_DUMP_HEADER_SIZE + XM_TRIAGE_DUMP64_ValidOffset, validOffset);
    Put32(d, XM_DUMP_HEADER_SIZE + XM_TRIAGE_DUMP64_ContextOffset, XM_CONTEXT_OFFSET);
    Put32(d, XM_DUMP_HEADER_SIZE + XM_TRIAGE_DUMP64_ExceptionOffset, XM_EXCEPTION_OFFSET);
    Put32(d, XM_DUMP_HEADER_SIZE + XM_TRIAGE_DUMP64_UnloadedDriversOffset, unloadedOffset);
    Put32(d, XM_DUMP_HEADER_SIZE + XM_TRIAGE_DUMP64_CallStackOffset, stackOffset);
    Put32(d, XM_DUMP_HEADER_SIZE + XM_TRIAGE_DUMP64_SizeOfCallStack, Capture->StackBytes);
    Put32(d, XM_DUMP_HEADER_SIZE + XM_TRIAGE_DUMP64_DriverListOffset, driverOffset);
    Put32(d, XM_DUMP_HEADER_SIZE + XM_TRIAGE_DUMP64_DriverCount, Machine->ModuleCount);
    Put32(d, XM_DUMP_HEADER_SIZE + XM_TRIAGE_DUMP64_StringPoolOffset, poolOffset);
    Put32(d, XM_DUMP_HEADER_SIZE + XM_TRIAGE_DUMP64_StringPoolSize, poolSize);
    Put32(d, XM_DUMP_HEADER_SIZE + XM_TRIAGE_DUMP64_TriageOptions, 0xFFFFFFFF);
    Put64(d, XM_DUMP_HEADER_SIZE + XM_TRIAGE_DUMP64_TopOfStack, Capture->ContextRsp);
    Put32(d, XM_DUMP_HEADER_SIZE + XM_TRIAGE_DUMP64_DataBlocksOffset, Capture->Block == NULL ? 0 : blockTable);
    Put32(d, XM_DUMP_HEADER_SIZE + XM_TRIAGE_DUMP64_DataBlocksCount, Capture->Block == NULL ? 0 : 1);

    Put32(d, unloadedOffset, 0);                    // no unloaded drivers
    memcpy(d + stackOffset, Capture->Stack, Capture->StackBytes);

    //
    //  Driver list and string pool.
    //
    offset = poolOffset;
    for (i = 0; i < Machine->ModuleCount; i++) {
        const XM_MODULE_INFO *m = &Machine->Modules[i];
        uint32_t entry = driverOffset + i * XM_DRIVER_ENTRY_SIZE;
        uint32_t chars = (uint32_t)strlen(m->Path), c;

        Put32(d, entry + XM_DUMP_DRIVER_ENTRY64_DriverNameOffset, offset);
        Put64(d, entry + XM_DUMP_DRIVER_ENTRY64_DllBase, m->Base);
        Put32(d, entry + XM_DUMP_DRIVER_ENTRY64_SizeOfImage, m->Size);
        Put32(d, entry + XM_DUMP_DRIVER_ENTRY64_CheckSum, m->CheckSum);
        Put32(d, entry + XM_DUMP_DRIVER_ENTRY64_TimeDateStamp, m->TimeDateStamp);

        Put32(d, offset, chars);
        for (c = 0; c < chars; c++) {
            d[offset + 4 + 2 * c] = (uint8_t)m->Path[c];
        }
        offset += Align8(4 + 2 * (chars + 1));
    }

    //
    //  The data block: a thread stack from its limit.
    //
    if (Capture->Block != NULL) {
        Put64(d, blockTable + XM_TRIAGE_DATA_BLOCK64_Address, blockAddress);
        Put32(d, blockTable + XM_TRIAGE_DATA_BLOCK64_Offset, blockData);
        Put32(d, blockTable + XM_TRIAGE_DATA_BLOCK64_Size, blockBytes);
        XmRenderStack(Machine, Capture->Block, blockAddress, d + blockData, blockBytes);
    }

    Put32(d, validOffset, 0x44475254);              // TRIAGE_DUMP_VALID, 'DGRT'

    XmNameDumpFile(Machine->DumpDirectory, "%02d%02d%02d-%02d.dmp", Path, PathLength);
    ok = XmWriteDumpFile(Path, d, size);
    if (!ok) {
        Path[0] = '\0';
    }
    free(d);
    return ok;
}

int
XmWriteMinidump(
    XM_MACHINE *Machine,
    char *Path,
    uint32_t PathLength
    )
/*++

Routine Description:

    A double fault's minidump: the double-fault stack from KeBugCheckEx's RSP
    up, and the exhausted thread stack from its limit as a data block.

--*/
{
    const XM_DOUBLE_FAULT *df = &Machine->DoubleFault;
    uint32_t stackBytes = (uint32_t)(XM_IST_STACK_BASE - df->ContextRsp);
    uint8_t stack[XM_STACK_CAPTURE];
    XM_TRIAGE_CAPTURE capture;

    if (df->Thread == NULL || stackBytes > XM_STACK_CAPTURE) {
        Path[0] = '\0';
        return 0;                                   // the model bugchecks only for double faults
    }
    XmRenderDoubleFaultStack(Machine, df->ContextRsp, stack, stackBytes);
    capture.ContextRsp = df->ContextRsp;
    capture.ContextRip = XmFunctionAddress(Machine, XmFnKeBugCheckEx);
    capture.Stack = stack;
    capture.StackBytes = stackBytes;
    capture.Block = df->Thread;
    return XmWriteTriageDump(Machine, &capture, Path, PathLength);
}

int
XmWriteNmiMinidump(
    XM_MACHINE *Machine,
    const XM_THREAD *Thread,
    char *Path,
    uint32_t PathLength
    )
/*++

Routine Description:

    The minidump of an NMI's bugcheck on a hung machine, with the hung
    thread's context: its RSP at the innermost frame, where it waits, and its
    RIP at the return from that frame's call, so the call stack the triage
    block captures is that thread's from its wait up to its stack base.

    On Windows the processor that takes the NMI bugchecks on whatever it was
    running, and a waiting thread's stack is in a kernel memory dump (which
    holds every thread's), not in the minidump's context. The model puts the
    hung thread where the minidump shows a stack, so its one dump says where
    the threads were stuck; the collector reads it as any minidump.

--*/
{
    uint8_t stack[XM_STACK_CAPTURE];
    uint64_t rsp = XmStackBase(Thread) - Thread->StackUsed;
    uint32_t stackBytes = Thread->StackUsed < XM_STACK_CAPTURE ? Thread->StackUsed : XM_STACK_CAPTURE;
    XM_TRIAGE_CAPTURE capture;

    if (Thread->FrameCount == 0) {
        Path[0] = '\0';
        return 0;
    }
    XmRenderStack(Machine, Thread, rsp, stack, stackBytes);
    capture.ContextRsp = rsp;
    capture.ContextRip = XmReturnAddress(Machine, Thread->Frames[Thread->FrameCount - 1]);
    capture.Stack = stack;
    capture.StackBytes = stackBytes;
    capture.Block = NULL;
    return XmWriteTriageDump(Machine, &capture, Path, PathLength);
}
