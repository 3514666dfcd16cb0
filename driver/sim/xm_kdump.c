/*++

Module Name:

    xm_kdump.c

Abstract:

    Writes a small kernel memory dump of a crashed model machine: the format
    Windows writes to %SystemRoot%\MEMORY.DMP for a kernel memory dump
    (CrashDumpEnabled 2, or 7 "automatic"), a bitmap dump:

      0x0000  DUMP_HEADER64 (xm_dump.c), DumpType 6 (DUMP_TYPE_BITMAP_KERNEL),
              DirectoryTableBase = the PML4 of the address space below
      0x2000  'SDMP' 'DUMP', FirstPage at +0x20 (the file offset of the first
              page), TotalPresentPages at +0x28, Pages (bits) at +0x30, then
              one bit per physical page of the machine
      FirstPage  the pages whose bit is set, in physical page order

    A real kernel dump holds every kernel page; this one holds the pages that
    matter to the crash, mapped by real x64 page tables (four levels, present
    bit 0, writable bit 1, the page's physical address in bits 51:12):

      - the thread stack the double fault exhausted, from its limit to its
        base (the guard page below and the page above stay unmapped);
      - the top page of the double-fault stack, with the KTRAP_FRAME;
      - the CID handle table's pages that hold entries, each mapped as the
        memory manager has it: valid when in the working set, a transition PTE
        (bit 11) when on the standby or modified list, a pagefile PTE (not
        present) when paged out or being read; an entry is the object's
        address and its granted access (the ObjectPointerBits encoding of
        real handle tables is not modelled);
      - each module's headers (DOS, PE32+ with SizeOfImage, TimeDateStamp,
        CheckSum and an exception directory), the code pages of the modelled
        functions from their start to their call site (int3 filler: the model
        has no code, only the call instruction each return address follows, so
        a scan can tell a return address from a stale pointer), and a .pdata
        page whose RUNTIME_FUNCTIONs and UNWIND_INFOs describe each modelled
        function's frame (UWOP_ALLOC of its frame size less the return
        address; for KiDoubleFaultAbort the machine frame the processor
        pushed), so an x64 unwinder can walk both stacks, from KeBugCheckEx
        through the trap frame onto the exhausted thread stack;
      - PsLoadedModuleList and a KLDR_DATA_TABLE_ENTRY per module (DllBase
        0x30, SizeOfImage 0x40, FullDllName 0x48, BaseDllName 0x58), the
        filters of the machine's environment among them;

    and in the header the physical memory descriptor of the environment's
    memory, as one run.

Environment:

    User mode model.

--*/

#include <stdlib.h>
#include <string.h>
#include "xm_model.h"
#include "xm_dump_layout.h"

#define XM_KDUMP_RUNS           XM_DUMP_HEADER64_PhysicalMemoryBlock   // PHYSICAL_MEMORY_DESCRIPTOR64
#define XM_KDUMP_BITMAP         XM_DUMP_HEADER64_SIZE                  // DUMP_BITMAP64, then its bits
#define XM_KDUMP_MACHINE_PAGES  0x40000u                // the bitmap covers 1 GiB of physical memory
#define XM_KDUMP_FIRST_PFN      0x1000u
#define XM_KDUMP_MAX_PAGES      1024u
#define XM_KDUMP_CID_TABLE_VA   0xffffc08bdc000000ull   // paged pool: the CID table's low-level pages
#define XM_KDUMP_LDR_VA         0xffffb08bdd000000ull   // nonpaged pool: the loader's entries
#define XM_KDUMP_ENTRY_SPAN     0x200u                  // one KLDR entry and its name
#define XM_KDUMP_ADDRESS_BITS   0x000ffffffffff000ull
#define XM_KDUMP_LFANEW         0x100u
#define XM_TRAP_FRAME_MACHINE_PART 0x160u                   // KTRAP_FRAME.ErrorCode: the processor's push starts here

//
//  The address space a kernel dump is built from: physical pages handed out
//  from XM_KDUMP_FIRST_PFN, and the page tables that map them.
//
typedef struct _XM_KSPACE {
    uint8_t *Pages[XM_KDUMP_MAX_PAGES];
    uint32_t Count;
    uint64_t Pml4;                                      // its physical page number
} XM_KSPACE;

static uint64_t
XmKsAllocate(
    XM_KSPACE *Space
    )
{
    if (Space->Count == XM_KDUMP_MAX_PAGES) {
        return 0;
    }
    Space->Pages[Space->Count] = calloc(1, 0x1000);
    if (Space->Pages[Space->Count] == NULL) {
        return 0;
    }
    return XM_KDUMP_FIRST_PFN + Space->Count++;
}

static uint8_t *
XmKsPage(
    XM_KSPACE *Space,
    uint64_t Pfn
    )
{
    return Space->Pages[Pfn - XM_KDUMP_FIRST_PFN];
}

static uint64_t *
XmKsPte(
    XM_KSPACE *Space,
    uint64_t Address
    )
/*++

Routine Description:

    The PTE slot that maps Address, making the PML4E, PDPTE and PDE present
    (each pointing at a new table) on the way. NULL when out of pages.

--*/
{
    uint64_t table = Space->Pml4;
    int level;

    for (level = 0; level < 3; level++) {
        uint64_t *entry = (uint64_t *)XmKsPage(Space, table) + ((Address >> (39 - 9 * level)) & 0x1FF);
        if ((*entry & 1) == 0) {
            uint64_t next = XmKsAllocate(Space);
            if (next == 0) {
                return NULL;
            }
            *entry = (next << 12) | 0x3;
        }
        table = (*entry & XM_KDUMP_ADDRESS_BITS) >> 12;
    }
    return (uint64_t *)XmKsPage(Space, table) + ((Address >> 12) & 0x1FF);
}

static uint8_t *
XmKsMap(
    XM_KSPACE *Space,
    uint64_t Address
    )
/*++

Routine Description:

    The bytes of the page holding Address, mapped (present, writable) to a new
    physical page if it is not yet. NULL when out of pages.

--*/
{
    uint64_t *pte = XmKsPte(Space, Address);
    uint64_t pfn;

    if (pte == NULL) {
        return NULL;
    }
    if ((*pte & 1) != 0) {
        return XmKsPage(Space, (*pte & XM_KDUMP_ADDRESS_BITS) >> 12);
    }
    pfn = XmKsAllocate(Space);
    if (pfn == 0) {
        return NULL;
    }
    *pte = (pfn << 12) | 0x3;
    return XmKsPage(Space, pfn);
}

static int
XmKsWrite(
    XM_KSPACE *Space,
    uint64_t Address,
    const void *Data,
    uint32_t Length
    )
{
    const uint8_t *bytes = Data;
    uint32_t i;

    for (i = 0; i < Length; i++) {
        uint8_t *page = XmKsMap(Space, Address + i);
        if (page == NULL) {
            return 0;
        }
        page[(Address + i) & 0xFFF] = bytes[i];
    }
    return 1;
}

static int
XmKsWrite64(
    XM_KSPACE *Space,
    uint64_t Address,
    uint64_t Value
    )
{
    return XmKsWrite(Space, Address, &Value, 8);
}

/*************************************************************************
    What the dump holds
*************************************************************************/

static int
XmKdStacks(
    XM_MACHINE *Machine,
    XM_KSPACE *Space
    )
{
    const XM_DOUBLE_FAULT *df = &Machine->DoubleFault;
    uint64_t base = XmStackBase(df->Thread), va;
    uint8_t *page;

    for (va = base - XM_KERNEL_STACK_SIZE; va < base; va += 0x1000) {
        if ((page = XmKsMap(Space, va)) == NULL) {
            return 0;
        }
        XmRenderStack(Machine, df->Thread, va, page, 0x1000);
    }
    if ((page = XmKsMap(Space, XM_IST_STACK_BASE - 0x1000)) == NULL) {
        return 0;
    }
    XmRenderDoubleFaultStack(Machine, XM_IST_STACK_BASE - 0x1000, page, 0x1000);
    return 1;
}

static int
XmKdCidTable(
    XM_MACHINE *Machine,
    XM_KSPACE *Space
    )
{
    uint32_t p, i;

    for (p = 0; p < XM_CID_PAGES && p * XM_CID_PAGE_ENTRIES < Machine->CidNext; p++) {
        const XM_PAGE *state = &Machine->Pages[p];
        uint64_t va = XM_KDUMP_CID_TABLE_VA + (uint64_t)p * 0x1000;
        uint64_t *pte;
        uint8_t *page;

        if (state->State == XmPageOut || state->State == XmPageInPage) {
            if ((pte = XmKsPte(Space, va)) == NULL) {
                return 0;
            }
            *pte = ((uint64_t)(p + 1) << 32) | 0x80;        // a pagefile PTE: not present
            continue;
        }
        if ((page = XmKsMap(Space, va)) == NULL) {
            return 0;
        }
        for (i = 0; i < XM_CID_PAGE_ENTRIES; i++) {
            const XM_CID_ENTRY *e = &Machine->Cid[p * XM_CID_PAGE_ENTRIES + i];
            uint64_t object = e->Process != NULL ? (uint64_t)(uintptr_t)XmProcessAddress(e->Process)
                            : e->IsThread ? 0xffffa58800000000ull + (uint64_t)(p * XM_CID_PAGE_ENTRIES + i) * 0x80
                            : 0;
            uint64_t access = object != 0 ? 0x1fffff : 0;
            memcpy(page + 16 * i, &object, 8);
            memcpy(page + 16 * i + 8, &access, 8);
        }
        if (state->State != XmPageActive) {
            pte = XmKsPte(Space, va);
            *pte = (*pte & XM_KDUMP_ADDRESS_BITS) | 0x800;  // transition: on the standby or modified list
        }
    }
    return 1;
}

static int
XmKdImage(
    const XM_MACHINE *Machine,
    XM_KSPACE *Space,
    uint32_t Module
    )
/*++

Routine Description:

    A module's headers, the code pages of its modelled functions with the call
    instruction before each return address, and its .pdata page (last page of
    the image): RUNTIME_FUNCTION {Begin, End, UnwindInfo} per function in
    address order, then the UNWIND_INFOs (version
    1, a 4-byte prologue, one allocation: none for a frame that is only its
    return address, UWOP_ALLOC_SMALL up to 128 bytes, else UWOP_ALLOC_LARGE
    with the size in 8-byte units; KiDoubleFaultAbort's is a machine frame).

--*/
{
    const XM_MODULE_INFO *m = &Machine->Modules[Module];
    uint32_t functions[XM_MAX_FUNCTIONS], count = 0, i;
    uint32_t pdata = m->Size - 0x1000, unwind;
    uint8_t header[0x400];
    uint8_t *page;

    for (i = 0; i < Machine->FunctionCount; i++) {
        if ((uint32_t)Machine->Functions[i].Module == Module) {
            uint32_t at = count++;
            while (at > 0 && Machine->Functions[functions[at - 1]].Rva > Machine->Functions[i].Rva) {
                functions[at] = functions[at - 1];          // by RVA, as .pdata must be
                at--;
            }
            functions[at] = i;
        }
    }

    memset(header, 0, sizeof(header));
    memcpy(header, "MZ", 2);
    *(uint32_t *)(header + 0x3C) = XM_KDUMP_LFANEW;
    memcpy(header + XM_KDUMP_LFANEW, "PE\0\0", 4);
    *(uint16_t *)(header + XM_KDUMP_LFANEW + 4) = 0x8664;              // Machine
    *(uint16_t *)(header + XM_KDUMP_LFANEW + 6) = 2;                   // NumberOfSections
    *(uint32_t *)(header + XM_KDUMP_LFANEW + 8) = m->TimeDateStamp;
    *(uint16_t *)(header + XM_KDUMP_LFANEW + 20) = 0xF0;               // SizeOfOptionalHeader
    *(uint16_t *)(header + XM_KDUMP_LFANEW + 22) = 0x22;               // executable, large address aware
    {
        uint8_t *o = header + XM_KDUMP_LFANEW + 24;                     // IMAGE_OPTIONAL_HEADER64
        *(uint16_t *)(o + 0) = 0x20B;
        *(uint64_t *)(o + 24) = m->Base;                               // ImageBase
        *(uint32_t *)(o + 32) = 0x1000;                                // SectionAlignment
        *(uint32_t *)(o + 36) = 0x200;                                 // FileAlignment
        *(uint32_t *)(o + 56) = m->Size;                               // SizeOfImage
        *(uint32_t *)(o + 60) = 0x400;                                 // SizeOfHeaders
        *(uint32_t *)(o + 64) = m->CheckSum;
        *(uint16_t *)(o + 68) = 1;                                     // native
        *(uint32_t *)(o + 108) = 16;                                   // NumberOfRvaAndSizes
        *(uint32_t *)(o + 112 + 8 * 3) = pdata;                        // the exception directory
        *(uint32_t *)(o + 112 + 8 * 3 + 4) = 12 * count;
        {
            uint8_t *s = o + 0xF0;                                      // section headers
            memcpy(s, ".text", 5);
            *(uint32_t *)(s + 8) = pdata - 0x1000;
            *(uint32_t *)(s + 12) = 0x1000;
            *(uint32_t *)(s + 36) = 0x60000020;                        // code, execute, read
            memcpy(s + 40, ".pdata", 6);
            *(uint32_t *)(s + 48) = 0x1000;
            *(uint32_t *)(s + 52) = pdata;
            *(uint32_t *)(s + 76) = 0x40000040;                        // initialised data, read
        }
    }
    if (!XmKsWrite(Space, m->Base, header, sizeof(header))) {
        return 0;
    }

    for (i = 0; i < count; i++) {
        const XM_FUNCTION_INFO *f = &Machine->Functions[functions[i]];
        uint64_t code;

        for (code = m->Base + (f->Rva & ~0xFFFu); code <= m->Base + f->Rva + f->CallSite; code += 0x1000) {
            uint64_t *pte = XmKsPte(Space, code);
            if (pte == NULL) {
                return 0;
            }
            if ((*pte & 1) == 0) {
                if ((page = XmKsMap(Space, code)) == NULL) {
                    return 0;
                }
                memset(page, 0xCC, 0x1000);
            }
        }
        if (f->CallSite >= XM_CALL_SIZE) {
            static const uint8_t call[XM_CALL_SIZE] = { 0xE8, 0, 0, 0, 0 };   // call rel32: the callee varies
            if (!XmKsWrite(Space, m->Base + f->Rva + f->CallSite - XM_CALL_SIZE, call, sizeof(call))) {
                return 0;
            }
        }
    }

    if ((page = XmKsMap(Space, m->Base + pdata)) == NULL) {
        return 0;
    }
    unwind = 12 * count;
    for (i = 0; i < count; i++) {
        const XM_FUNCTION_INFO *f = &Machine->Functions[functions[i]];
        uint32_t alloc = f->FrameBytes - 8;
        uint32_t *rf = (uint32_t *)(page + 12 * i);
        uint8_t *ui = page + unwind;

        rf[0] = f->Rva;
        rf[1] = f->Rva + f->CallSite + 0x10;
        rf[2] = pdata + unwind;
        ui[0] = 1;                                                      // version 1, no flags
        ui[1] = 4;                                                      // SizeOfProlog
        ui[3] = 0;                                                      // no frame register
        if (functions[i] == XmFnKiDoubleFaultAbort) {
            //
            //  Entered by the processor, not called: it pushed the error
            //  code and the machine frame (KTRAP_FRAME from 0x160), and the
            //  handler allocates the rest of the trap frame below them. So
            //  UWOP_ALLOC_LARGE of 0x160, then UWOP_PUSH_MACHFRAME with an
            //  error code: an unwinder steps from here to the interrupted
            //  RIP and RSP, onto the exhausted thread stack.
            //
            ui[1] = 7;                                                  // sub rsp, imm32
            ui[2] = 3;
            ui[4] = 7;
            ui[5] = 1;                                                  // UWOP_ALLOC_LARGE, size / 8 next
            *(uint16_t *)(ui + 6) = (uint16_t)(XM_TRAP_FRAME_MACHINE_PART / 8);
            ui[8] = 0;
            ui[9] = (uint8_t)(10 | (1 << 4));                           // UWOP_PUSH_MACHFRAME, error code
            unwind += 12;
        } else if (alloc == 0) {
            ui[2] = 0;                                                  // no allocation: nothing to undo
            unwind += 4;
        } else if (alloc <= 128) {
            ui[2] = 1;
            ui[4] = 4;                                                  // CodeOffset: end of the prologue
            ui[5] = (uint8_t)(2 | (((alloc - 8) / 8) << 4));           // UWOP_ALLOC_SMALL
            unwind += 8;
        } else {
            ui[2] = 2;
            ui[4] = 4;
            ui[5] = 1;                                                  // UWOP_ALLOC_LARGE, size / 8 next
            *(uint16_t *)(ui + 6) = (uint16_t)(alloc / 8);
            unwind += 8;
        }
    }
    return 1;
}

static int
XmKdModuleList(
    const XM_MACHINE *Machine,
    XM_KSPACE *Space
    )
/*++

Routine Description:

    PsLoadedModuleList: a LIST_ENTRY in ntoskrnl's data, then one
    KLDR_DATA_TABLE_ENTRY per module, in load order, linked both ways.

--*/
{
    uint64_t head = 0xfffff8047c62a390ull, previous = head;
    uint32_t i;

    for (i = 0; i < Machine->ModuleCount; i++) {
        uint64_t entry = XM_KDUMP_LDR_VA + (uint64_t)i * XM_KDUMP_ENTRY_SPAN;
        uint64_t name = entry + 0x100;
        const char *path = Machine->Modules[i].Path;
        const char *base = strrchr(path, '\\') != NULL ? strrchr(path, '\\') + 1 : path;
        uint16_t length = (uint16_t)(2 * strlen(base));
        uint64_t unicode = (uint64_t)length | ((uint64_t)(length + 2) << 16);
        uint32_t c;

        if (!XmKsWrite64(Space, previous, entry) || !XmKsWrite64(Space, entry + 8, previous) ||
            !XmKsWrite64(Space, entry + 0x30, Machine->Modules[i].Base) ||
            !XmKsWrite64(Space, entry + 0x40, Machine->Modules[i].Size) ||
            !XmKsWrite64(Space, entry + 0x48, unicode) || !XmKsWrite64(Space, entry + 0x50, name) ||
            !XmKsWrite64(Space, entry + 0x58, unicode) || !XmKsWrite64(Space, entry + 0x60, name)) {
            return 0;
        }
        for (c = 0; base[c] != '\0'; c++) {
            uint16_t wide = (uint8_t)base[c];
            if (!XmKsWrite(Space, name + 2 * c, &wide, 2)) {
                return 0;
            }
        }
        previous = entry;
    }
    return XmKsWrite64(Space, previous, head) && XmKsWrite64(Space, head + 8, previous);
}

/*************************************************************************
    The file
*************************************************************************/

int
XmWriteKernelDump(
    XM_MACHINE *Machine,
    char *Path,
    uint32_t PathLength
    )
{
    XM_KSPACE *space = calloc(1, sizeof(XM_KSPACE));
    uint32_t bitmapBytes = XM_KDUMP_MACHINE_PAGES / 8, i, m;
    uint64_t firstPage = (XM_KDUMP_BITMAP + XM_DUMP_BITMAP64_Bitmap + bitmapBytes + 0xFFFu) & ~0xFFFu;
    uint8_t *d = NULL;
    size_t size;
    int ok = 0;

    Path[0] = '\0';
    if (space == NULL || Machine->DoubleFault.Thread == NULL) {
        free(space);
        return 0;
    }
    space->Pml4 = XmKsAllocate(space);
    ok = space->Pml4 != 0 && XmKdStacks(Machine, space) && XmKdCidTable(Machine, space) &&
         XmKdModuleList(Machine, space);
    for (m = 0; ok && m < Machine->ModuleCount; m++) {
        ok = XmKdImage(Machine, space, m);
    }

    size = firstPage + (size_t)space->Count * 0x1000;
    if (ok && (d = calloc(1, size)) != NULL) {
        XmDumpHeader(Machine, d, 6, Machine->DoubleFault.ContextRsp,   // DumpType: DUMP_TYPE_BITMAP_KERNEL
                     XmFunctionAddress(Machine, XmFnKeBugCheckEx));
        memcpy(d + XM_DUMP_HEADER64_DirectoryTableBase, &(uint64_t){ space->Pml4 << 12 }, 8);
        memcpy(d + XM_DUMP_HEADER64_RequiredDumpSpace, &(uint64_t){ size }, 8);
        //
        //  PhysicalMemoryBlock: the machine's memory as one run. The bitmap
        //  below covers the first GiB, where the pages the dump holds are.
        //
        memcpy(d + XM_KDUMP_RUNS + XM_PHYSICAL_MEMORY_DESCRIPTOR64_NumberOfRuns, &(uint32_t){ 1 }, 4);
        memcpy(d + XM_KDUMP_RUNS + XM_PHYSICAL_MEMORY_DESCRIPTOR64_NumberOfRuns + 4, &(uint32_t){ 0 }, 4);
        memcpy(d + XM_KDUMP_RUNS + XM_PHYSICAL_MEMORY_DESCRIPTOR64_NumberOfPages,
               &Machine->Environment.PhysicalPages, 8);
        memcpy(d + XM_KDUMP_RUNS + XM_PHYSICAL_MEMORY_DESCRIPTOR64_Run + XM_PHYSICAL_MEMORY_RUN64_BasePage,
               &(uint64_t){ 0 }, 8);
        memcpy(d + XM_KDUMP_RUNS + XM_PHYSICAL_MEMORY_DESCRIPTOR64_Run + XM_PHYSICAL_MEMORY_RUN64_PageCount,
               &Machine->Environment.PhysicalPages, 8);
        memcpy(d + XM_KDUMP_BITMAP + XM_DUMP_BITMAP64_Signature, "SDMP", 4);
        memcpy(d + XM_KDUMP_BITMAP + XM_DUMP_BITMAP64_ValidDump, "DUMP", 4);
        memcpy(d + XM_KDUMP_BITMAP + XM_DUMP_BITMAP64_FirstPage, &firstPage, 8);
        memcpy(d + XM_KDUMP_BITMAP + XM_DUMP_BITMAP64_TotalPresentPages, &(uint64_t){ space->Count }, 8);
        memcpy(d + XM_KDUMP_BITMAP + XM_DUMP_BITMAP64_Pages, &(uint64_t){ XM_KDUMP_MACHINE_PAGES }, 8);
        for (i = 0; i < space->Count; i++) {
            uint64_t pfn = XM_KDUMP_FIRST_PFN + i;
            d[XM_KDUMP_BITMAP + XM_DUMP_BITMAP64_Bitmap + pfn / 8] |= (uint8_t)(1u << (pfn % 8));
            memcpy(d + firstPage + (size_t)i * 0x1000, space->Pages[i], 0x1000);
        }
        XmNameDumpFile(Machine->DumpDirectory, "MEMORY-%02d%02d%02d-%02d.DMP", Path, PathLength);
        ok = XmWriteDumpFile(Path, d, size);
        if (!ok) {
            Path[0] = '\0';
        }
    }
    free(d);
    for (i = 0; i < space->Count; i++) {
        free(space->Pages[i]);
    }
    free(space);
    return ok && d != NULL;
}
