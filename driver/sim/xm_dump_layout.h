/*++

Module Name:

    xm_dump_layout.h

Abstract:

    The binary layouts the model's dump writers (xm_dump.c, xm_kdump.c)
    produce: the 64-bit crash dump header, its physical memory descriptor,
    the SDMP/FDMP bitmap header, the triage dump header, its driver entries
    and data blocks, and the parts of the x64 CONTEXT the writers fill.

    Every field is one row of an X-macro list, (struct, field, offset,
    size), and every struct one row of another, so the writers name offsets
    instead of spelling them. The Java reader holds the same table
    (dev.xidlab.dump.DumpLayout); DumpLayoutTest has gcc print this one and
    assert the Java one, so the two cannot drift apart unnoticed.

Environment:

    User mode, the kernel model (libxidmodel).

--*/

#ifndef XM_DUMP_LAYOUT_H
#define XM_DUMP_LAYOUT_H

//
// Every field either side reads or writes, as (struct, field, offset, size),
// struct by struct in offset order. DUMP_BITMAP64 is the SDMP/FDMP header
// right after DUMP_HEADER64 (its bits follow it); TRIAGE_DUMP64 is there in a
// minidump instead, and every offset in it is a file offset; CONTEXT64 holds
// only the x64 CONTEXT fields the writers fill and the reader reads.
//
#define XM_DUMP_LAYOUT(FIELD) \
    FIELD(DUMP_HEADER64, Signature,                    0x0000, 4) \
    FIELD(DUMP_HEADER64, ValidDump,                    0x0004, 4) \
    FIELD(DUMP_HEADER64, MajorVersion,                 0x0008, 4) \
    FIELD(DUMP_HEADER64, MinorVersion,                 0x000C, 4) \
    FIELD(DUMP_HEADER64, DirectoryTableBase,           0x0010, 8) \
    FIELD(DUMP_HEADER64, PfnDataBase,                  0x0018, 8) \
    FIELD(DUMP_HEADER64, PsLoadedModuleList,           0x0020, 8) \
    FIELD(DUMP_HEADER64, PsActiveProcessHead,          0x0028, 8) \
    FIELD(DUMP_HEADER64, MachineImageType,             0x0030, 4) \
    FIELD(DUMP_HEADER64, NumberProcessors,             0x0034, 4) \
    FIELD(DUMP_HEADER64, BugCheckCode,                 0x0038, 4) \
    FIELD(DUMP_HEADER64, BugCheckParameter1,           0x0040, 8) \
    FIELD(DUMP_HEADER64, BugCheckParameter2,           0x0048, 8) \
    FIELD(DUMP_HEADER64, BugCheckParameter3,           0x0050, 8) \
    FIELD(DUMP_HEADER64, BugCheckParameter4,           0x0058, 8) \
    FIELD(DUMP_HEADER64, KdDebuggerDataBlock,          0x0080, 8) \
    FIELD(DUMP_HEADER64, PhysicalMemoryBlock,          0x0088, 0x2C0) \
    FIELD(DUMP_HEADER64, ContextRecord,                0x0348, 0xBB8) \
    FIELD(DUMP_HEADER64, Exception,                    0x0F00, 0x98) \
    FIELD(DUMP_HEADER64, DumpType,                     0x0F98, 4) \
    FIELD(DUMP_HEADER64, RequiredDumpSpace,            0x0FA0, 8) \
    FIELD(DUMP_HEADER64, SystemTime,                   0x0FA8, 8) \
    FIELD(DUMP_HEADER64, SystemUpTime,                 0x1030, 8) \
    FIELD(DUMP_HEADER64, MiniDumpFields,               0x1038, 4) \
    FIELD(DUMP_HEADER64, ProductType,                  0x1040, 4) \
    FIELD(DUMP_HEADER64, SuiteMask,                    0x1044, 4) \
    FIELD(PHYSICAL_MEMORY_DESCRIPTOR64, NumberOfRuns,  0x00, 4) \
    FIELD(PHYSICAL_MEMORY_DESCRIPTOR64, NumberOfPages, 0x08, 8) \
    FIELD(PHYSICAL_MEMORY_DESCRIPTOR64, Run,           0x10, 0x2B0) \
    FIELD(PHYSICAL_MEMORY_RUN64, BasePage,             0x00, 8) \
    FIELD(PHYSICAL_MEMORY_RUN64, PageCount,            0x08, 8) \
    FIELD(DUMP_BITMAP64, Signature,                    0x00, 4) \
    FIELD(DUMP_BITMAP64, ValidDump,                    0x04, 4) \
    FIELD(DUMP_BITMAP64, FirstPage,                    0x20, 8) \
    FIELD(DUMP_BITMAP64, TotalPresentPages,            0x28, 8) \
    FIELD(DUMP_BITMAP64, Pages,                        0x30, 8) \
    FIELD(DUMP_BITMAP64, Bitmap,                       0x38, 0) \
    FIELD(TRIAGE_DUMP64, ServicePackBuild,             0x00, 4) \
    FIELD(TRIAGE_DUMP64, SizeOfDump,                   0x04, 4) \
    FIELD(TRIAGE_DUMP64, ValidOffset,                  0x08, 4) \
    FIELD(TRIAGE_DUMP64, ContextOffset,                0x0C, 4) \
    FIELD(TRIAGE_DUMP64, ExceptionOffset,              0x10, 4) \
    FIELD(TRIAGE_DUMP64, UnloadedDriversOffset,        0x18, 4) \
    FIELD(TRIAGE_DUMP64, CallStackOffset,              0x28, 4) \
    FIELD(TRIAGE_DUMP64, SizeOfCallStack,              0x2C, 4) \
    FIELD(TRIAGE_DUMP64, DriverListOffset,             0x30, 4) \
    FIELD(TRIAGE_DUMP64, DriverCount,                  0x34, 4) \
    FIELD(TRIAGE_DUMP64, StringPoolOffset,             0x38, 4) \
    FIELD(TRIAGE_DUMP64, StringPoolSize,               0x3C, 4) \
    FIELD(TRIAGE_DUMP64, TriageOptions,                0x44, 4) \
    FIELD(TRIAGE_DUMP64, TopOfStack,                   0x48, 8) \
    FIELD(TRIAGE_DUMP64, DataPageAddress,              0x60, 8) \
    FIELD(TRIAGE_DUMP64, DataPageOffset,               0x68, 4) \
    FIELD(TRIAGE_DUMP64, DataPageSize,                 0x6C, 4) \
    FIELD(TRIAGE_DUMP64, DataBlocksOffset,             0x78, 4) \
    FIELD(TRIAGE_DUMP64, DataBlocksCount,              0x7C, 4) \
    FIELD(DUMP_DRIVER_ENTRY64, DriverNameOffset,       0x00, 4) \
    FIELD(DUMP_DRIVER_ENTRY64, DllBase,                0x38, 8) \
    FIELD(DUMP_DRIVER_ENTRY64, SizeOfImage,            0x48, 4) \
    FIELD(DUMP_DRIVER_ENTRY64, CheckSum,               0x80, 4) \
    FIELD(DUMP_DRIVER_ENTRY64, TimeDateStamp,          0x88, 4) \
    FIELD(TRIAGE_DATA_BLOCK64, Address,                0x00, 8) \
    FIELD(TRIAGE_DATA_BLOCK64, Offset,                 0x08, 4) \
    FIELD(TRIAGE_DATA_BLOCK64, Size,                   0x0C, 4) \
    FIELD(CONTEXT64, ContextFlags,                     0x30, 4) \
    FIELD(CONTEXT64, SegCs,                            0x38, 2) \
    FIELD(CONTEXT64, SegSs,                            0x42, 2) \
    FIELD(CONTEXT64, EFlags,                           0x44, 4) \
    FIELD(CONTEXT64, Rcx,                              0x80, 8) \
    FIELD(CONTEXT64, Rdx,                              0x88, 8) \
    FIELD(CONTEXT64, Rsp,                              0x98, 8) \
    FIELD(CONTEXT64, Rip,                              0xF8, 8)

//
// Every struct and its size, in the order of XM_DUMP_LAYOUT.
//
#define XM_DUMP_STRUCTS(STRUCT) \
    STRUCT(DUMP_HEADER64,                0x2000) \
    STRUCT(PHYSICAL_MEMORY_DESCRIPTOR64, 0x2C0) \
    STRUCT(PHYSICAL_MEMORY_RUN64,        0x10) \
    STRUCT(DUMP_BITMAP64,                0x38) \
    STRUCT(TRIAGE_DUMP64,                0x80) \
    STRUCT(DUMP_DRIVER_ENTRY64,          0x90) \
    STRUCT(TRIAGE_DATA_BLOCK64,          0x10) \
    STRUCT(CONTEXT64,                    0x4D0)

//
// The names the writers use: XM_<STRUCT>_<Field> is the field's offset in
// its struct, XM_<STRUCT>_SIZE the struct's size.
//
#define XM_LAYOUT_OFFSET(Struct, Field, Offset, Size) XM_##Struct##_##Field = (Offset),
#define XM_LAYOUT_SIZE(Struct, Size) XM_##Struct##_SIZE = (Size),

enum {
    XM_DUMP_LAYOUT(XM_LAYOUT_OFFSET)
    XM_DUMP_STRUCTS(XM_LAYOUT_SIZE)
};

#endif // XM_DUMP_LAYOUT_H
