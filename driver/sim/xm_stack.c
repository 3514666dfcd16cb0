/*++

Module Name:

    xm_stack.c

Abstract:

    Kernel stacks: entering and leaving a modelled kernel function on the
    current thread, and the double fault when a frame does not fit.

    Frame sizes are plausible x64 figures, not measurements of one build: a
    KTRAP_FRAME is 0x190 bytes and sits on the stack at every system-call entry
    and every page fault; the memory manager's fault path and the filter
    manager's pre-callback worker are the other large frames. With them one
    level of re-entry (callback -> lookup -> fault -> paging read -> callback)
    costs 0x860 bytes, so about eleven levels exhaust the 0x6000-byte stack,
    which is the depth field dumps of this crash show.

Environment:

    User mode model.

--*/

#include "xm_model.h"

static void
XmDoubleFault(
    XM_MACHINE *Machine,
    uint32_t Function
    )
/*++

Routine Description:

    The frame of Function does not fit. The call into it pushes the return
    address; its prologue then moves RSP below the stack limit, and the first
    store there faults in the guard page. When the frames above fill the stack
    to its limit exactly, the call's own push is that first touch instead: the
    fault is at the caller's call instruction, with RSP at the limit (a fault
    leaves RSP as it was before the instruction). Either way the processor
    cannot push the page fault's frame onto the guard page, so it raises a
    double fault, which runs on its own stack (TSS.IST[1]): KiDoubleFaultAbort
    saves a KTRAP_FRAME at the top of it and calls KeBugCheckEx through
    KiBugCheckDispatch. The parameters are laid out as Windows 8 and later lay
    them for 0x7F/8 (see dev.xidlab.crash.DoubleFaultAnalyzer): the trap
    frame, the RSP and the RIP of the fault.

--*/
{
    XM_THREAD *t = Machine->Current;
    const XM_FUNCTION_INFO *f = &Machine->Functions[Function];
    XM_DOUBLE_FAULT *df = &Machine->DoubleFault;
    uint64_t callerRsp = XmStackBase(t) - t->StackUsed;

    df->Thread = t;
    df->CallFaulted = t->StackUsed + 8 > XM_KERNEL_STACK_SIZE && t->FrameCount > 0;
    if (df->CallFaulted) {
        df->Function = t->Frames[t->FrameCount - 1];
        df->Rip = XmReturnAddress(Machine, df->Function) - XM_CALL_SIZE;
        df->Rsp = callerRsp;
    } else {
        df->Function = Function;
        df->Rip = Machine->Modules[f->Module].Base + f->Rva + 4;       // after the push of its prologue
        df->Rsp = callerRsp - f->FrameBytes;
    }
    df->TrapFrame = XM_IST_STACK_BASE - 0x20 - XM_TRAP_FRAME_SIZE;      // ...e50, as public dumps show it
    df->ContextRsp = df->TrapFrame - Machine->Functions[XmFnKiBugCheckDispatch].FrameBytes - 8;
    XmBugCheck(Machine, 0x1000007Full, 8, df->TrapFrame, df->Rsp, df->Rip);
}

void
XmPushFrame(
    XM_MACHINE *Machine,
    uint32_t Function
    )
/*++

Routine Description:

    Enters a modelled kernel function on the current thread. A frame that does
    not fit in what is left of the 0x6000-byte stack is the double fault: the
    processor cannot push the page-fault trap frame onto the guard page.

--*/
{
    XM_THREAD *t = Machine->Current;
    uint32_t cost = Machine->Functions[Function].FrameBytes;

    if (t->StackUsed + cost > XM_KERNEL_STACK_SIZE || t->FrameCount == XM_MAX_FRAMES) {
        XmDoubleFault(Machine, Function);
    }
    t->StackUsed += cost;
    t->Frames[t->FrameCount++] = (uint16_t)Function;
    if (t->FrameCount > t->MaxFrames) {
        t->MaxFrames = t->FrameCount;
    }
}

void
XmPopFrame(
    XM_MACHINE *Machine
    )
/*++

Routine Description:

    Leaves the modelled kernel function entered last on the current thread.

--*/
{
    XM_THREAD *t = Machine->Current;

    t->FrameCount--;
    t->StackUsed -= Machine->Functions[t->Frames[t->FrameCount]].FrameBytes;
}
