/*++

Module Name:

    xm_dump.c

Abstract:

    Writes the kernel minidump a crashed model machine leaves behind, in the
    format Windows writes to %SystemRoot%\Minidump (the layout public dump
    parsers agree on: kdmp-parser, rizin, Volatility):

      0x0000  DUMP_HEADER64, 0x2000 bytes, unused space filled with "PAGE":
              'PAGE' 'DU64', versions, MachineImageType 0x8664, processors,
              BugCheckCode at 0x38, four parameters from 0x40, the CONTEXT of
              the crashing thread at 0x348, an EXCEPTION_RECORD64 at 0xF00,
              DumpType 4 (triage) at 0xF98, RequiredDumpSpace, SystemTime,
              SystemUpTime at 0x1030
      0x2000  TRIAGE_DUMP64, 0x80 bytes; every offset in it is a file offset
              then   unloaded drivers (a count, none here)
              then   the crashing thread's stack from TopOfStack (RSP) upward
              then   the driver list: 0x90-byte entries (a ULONG string-pool
                     offset for the name, then an LDR_DATA_TABLE_ENTRY64 with
                     DllBase at entry+0x38, SizeOfImage at +0x48, CheckSum at
                     +0x80 and TimeDateStamp at +0x88)
              then   the string pool: per name a ULONG character count, the
                     UTF-16 characters and a NUL, each entry 8-aligned
              last   the 'DGRT' valid marker at ValidOffset

    The stack holds, for every modelled frame, its return address in the top
    8 bytes of the frame, so a reader that maps stack values onto the driver
    list finds ntoskrnl, FLTMGR and xidfilter frames as in a real dump.

Environment:

    User mode model.

--*/

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include "xm_model.h"

#define XM_DUMP_HEADER_SIZE     0x2000u
#define XM_TRIAGE_SIZE          0x80u
#define XM_DRIVER_ENTRY_SIZE    0x90u
#define XM_CONTEXT_OFFSET       0x348u
#define XM_EXCEPTION_OFFSET     0xF00u
#define XM_STACK_CAPTURE        0x4000u     // the triage writer keeps at most this much stack

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

static uint64_t
XmReturnAddress(
    XM_FUNCTION Caller
    )
{
    const XM_FUNCTION_INFO *f = &XmFunctions[Caller];

    return XmModules[f->Module].Base + f->Rva + f->CallSite;
}

static void
XmNameDumpFile(
    const char *Directory,
    char *Path,
    uint32_t PathLength
    )
/*++

Routine Description:

    Windows names minidumps MMDDYY-NN.dmp, NN counting the day's dumps.

--*/
{
    time_t now = time(NULL);
    struct tm local;
    struct stat st;
    int n;

    localtime_r(&now, &local);
    for (n = 1; n < 100; n++) {
        snprintf(Path, PathLength, "%s/%02d%02d%02d-%02d.dmp", Directory, local.tm_mon + 1, local.tm_mday,
                 local.tm_year % 100, n);
        if (stat(Path, &st) != 0) {
            return;
        }
    }
}

int
XmWriteMinidump(
    XM_MACHINE *Machine,
    char *Path,
    uint32_t PathLength
    )
{
    XM_THREAD *t = Machine->Current;
    uint64_t stackBase = 0xffff850429898000ull + (uint64_t)t->Slot * 0x8000;
    uint64_t topOfStack = stackBase - t->StackUsed;
    uint32_t stackBytes = t->StackUsed < XM_STACK_CAPTURE ? t->StackUsed : XM_STACK_CAPTURE;
    uint32_t unloadedOffset = XM_DUMP_HEADER_SIZE + XM_TRIAGE_SIZE;
    uint32_t stackOffset = unloadedOffset + 8;
    uint32_t driverOffset = Align8(stackOffset + stackBytes);
    uint32_t poolOffset = driverOffset + XmModCount * XM_DRIVER_ENTRY_SIZE;
    uint32_t poolSize = 0, validOffset, size, i, offset;
    uint8_t *d;
    FILE *f;
    int ok;

    for (i = 0; i < XmModCount; i++) {
        poolSize += Align8(4 + 2 * ((uint32_t)strlen(XmModules[i].Path) + 1));
    }
    validOffset = poolOffset + poolSize;
    size = validOffset + 4;

    d = calloc(1, size);
    if (d == NULL) {
        Path[0] = '\0';
        return 0;
    }

    //
    //  DUMP_HEADER64.
    //
    for (i = 0; i < XM_DUMP_HEADER_SIZE; i += 4) {
        memcpy(d + i, "PAGE", 4);
    }
    memcpy(d + 0x00, "PAGE", 4);
    memcpy(d + 0x04, "DU64", 4);
    Put32(d, 0x08, 0xF);                                // free build
    Put32(d, 0x0C, 19041);                              // Windows 10 2004
    Put64(d, 0x10, 0x1ad000);                           // DirectoryTableBase
    Put64(d, 0x18, 0xfffff8047c6fc500ull);              // PfnDataBase
    Put64(d, 0x20, 0xfffff8047c62a390ull);              // PsLoadedModuleList
    Put64(d, 0x28, 0xfffff8047c61e200ull);              // PsActiveProcessHead
    Put32(d, 0x30, 0x8664);                             // IMAGE_FILE_MACHINE_AMD64
    Put32(d, 0x34, 2);                                  // processors
    Put32(d, 0x38, (uint32_t)Machine->Crash.BugCheckCode);
    Put32(d, 0x3C, 0);
    for (i = 0; i < 4; i++) {
        Put64(d, 0x40 + 8 * i, Machine->Crash.BugCheckParameters[i]);
    }
    Put64(d, 0x80, 0xfffff8047c600b20ull);              // KdDebuggerDataBlock

    memset(d + XM_CONTEXT_OFFSET, 0, XM_EXCEPTION_OFFSET - XM_CONTEXT_OFFSET);
    Put32(d, XM_CONTEXT_OFFSET + 0x30, 0x0010001F);     // CONTEXT_AMD64 | CONTEXT_FULL | SEGMENTS
    Put32(d, XM_CONTEXT_OFFSET + 0x38, 0x0010);         // SegCs
    Put32(d, XM_CONTEXT_OFFSET + 0x42, 0x0018);         // SegSs
    Put32(d, XM_CONTEXT_OFFSET + 0x44, 0x00000282);     // EFlags
    Put64(d, XM_CONTEXT_OFFSET + 0x98, topOfStack);     // Rsp
    Put64(d, XM_CONTEXT_OFFSET + 0xF8, Machine->Crash.BugCheckParameters[3]);   // Rip
    memset(d + XM_EXCEPTION_OFFSET, 0, 0x98);

    Put32(d, 0xF98, 4);                                 // DumpType: triage
    Put64(d, 0xFA0, size);                              // RequiredDumpSpace
    Put64(d, 0xFA8, Machine->BootTime + Machine->Clock);
    Put64(d, 0x1030, Machine->Clock);                   // SystemUpTime
    Put32(d, 0x1038, 0xCFF);                            // MiniDumpFields
    Put32(d, 0x1040, 1);                                // ProductType: workstation
    Put32(d, 0x1044, 0x110);                            // SuiteMask

    //
    //  TRIAGE_DUMP64.
    //
    memset(d + XM_DUMP_HEADER_SIZE, 0, XM_TRIAGE_SIZE);
    Put32(d, 0x2004, size);                             // SizeOfDump
    Put32(d, 0x2008, validOffset);
    Put32(d, 0x200C, XM_CONTEXT_OFFSET);
    Put32(d, 0x2010, XM_EXCEPTION_OFFSET);
    Put32(d, 0x2018, unloadedOffset);
    Put32(d, 0x2028, stackOffset);
    Put32(d, 0x202C, stackBytes);
    Put32(d, 0x2030, driverOffset);
    Put32(d, 0x2034, XmModCount);
    Put32(d, 0x2038, poolOffset);
    Put32(d, 0x203C, poolSize);
    Put32(d, 0x2044, 0xFFFFFFFF);                       // TriageOptions
    Put64(d, 0x2048, topOfStack);

    Put32(d, unloadedOffset, 0);                        // no unloaded drivers

    //
    //  The stack, innermost frame first: each frame's last 8 bytes return into
    //  its caller; a local slot holds the thread's process (a kernel pointer in
    //  no module, as real stacks are full of).
    //
    offset = 0;
    for (i = t->FrameCount; i-- > 0 && offset < stackBytes;) {
        uint32_t bytes = XmFunctions[t->Frames[i]].FrameBytes;
        if (offset + 16 <= stackBytes) {
            Put64(d, stackOffset + offset + 8, (uint64_t)(uintptr_t)XmProcessAddress(t->Process));
        }
        if (i > 0 && offset + bytes <= stackBytes) {
            Put64(d, stackOffset + offset + bytes - 8, XmReturnAddress((XM_FUNCTION)t->Frames[i - 1]));
        }
        offset += bytes;
    }

    //
    //  Driver list and string pool.
    //
    offset = poolOffset;
    for (i = 0; i < XmModCount; i++) {
        uint32_t entry = driverOffset + i * XM_DRIVER_ENTRY_SIZE;
        uint32_t chars = (uint32_t)strlen(XmModules[i].Path), c;

        Put32(d, entry + 0x00, offset);
        Put64(d, entry + 0x38, XmModules[i].Base);
        Put32(d, entry + 0x48, XmModules[i].Size);
        Put32(d, entry + 0x80, XmModules[i].CheckSum);
        Put32(d, entry + 0x88, XmModules[i].TimeDateStamp);

        Put32(d, offset, chars);
        for (c = 0; c < chars; c++) {
            d[offset + 4 + 2 * c] = (uint8_t)XmModules[i].Path[c];
        }
        offset += Align8(4 + 2 * (chars + 1));
    }

    Put32(d, validOffset, 0x44475254);                  // TRIAGE_DUMP_VALID, 'DGRT'

    XmNameDumpFile(Machine->DumpDirectory, Path, PathLength);
    f = fopen(Path, "wb");
    ok = f != NULL && fwrite(d, 1, size, f) == size;
    if (f != NULL && fclose(f) != 0) {
        ok = 0;
    }
    if (!ok) {
        Path[0] = '\0';
    }
    free(d);
    return ok;
}
