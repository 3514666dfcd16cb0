/*++

Module Name:

    xm_memory.c

Abstract:

    The memory manager as far as the crash needs it: the system working set
    with its aging, the standby and modified lists, soft, hard and collided
    page faults, and the two ways a hard fault's read can travel (paging I/O
    through the file-system stack, or the store manager).

    What it follows, from Windows Internals (7th ed., part 1, chapter 5) and the
    memory-list interface the lab's load uses (NtSetSystemInformation,
    SystemMemoryListInformation):

      - The working set manager ages pages: each pass clears the access bit of
        the pages that were used and counts up the age of those that were not;
        under demand it trims the oldest first. A trimmed page keeps its
        contents and goes to the standby list (clean) or the modified list
        (dirty); its PTE becomes a transition PTE. Touching it again is a soft
        fault: no I/O.
      - The modified page writer writes modified pages to the pagefile; they
        move to the standby list. Memory taken by an allocation comes from
        the standby list, oldest first; a repurposed page's next touch is a
        hard fault that reads it back.
      - A fault on a page whose read another thread has in flight is a
        collided fault: the thread waits for that read; it issues none.
      - Emptying the working sets, flushing the modified list and purging the
        standby list (the load's XM_PRESSURE_PURGE_LISTS) leave every pageable
        page in the pagefile.

    What is not documented, and is therefore a named, switchable assumption
    (XM_OPTIONS.SameThreadFault, reported in every run's record): a fault on a
    page whose read THIS thread has in flight. It happens in the re-entry crash:
    the CID page's read goes down the filter stack, the filter's callback looks
    the same process up again, and that lookup touches the page being read.
    The nested lookup asks for the same process because a page fault's paging
    read is issued on the faulting thread (MiIssueHardFault, MiPageRead and
    IoPageReadEx run on it, as every stack of this crash shows) and
    FltGetRequestorProcessId names "the process that the requesting thread is
    currently attached to", which the fault did not change.

      XM_SAME_THREAD_REFAULT  the memory manager reads it again, through the
                              filters again: the recursion the field dumps show,
                              until the stack runs out.
      XM_SAME_THREAD_WAIT     it waits for the read, as for another thread's;
                              the read cannot finish while its own thread waits
                              in the filter's callback: the machine hangs.

    Under that documented rule a nested lookup never meets another CID page, so
    a nested callback in the lookup's chain is never survived. The second
    switch (XM_OPTIONS.PagingRequestor) offers the other reading of the field
    dumps, where a paging read names some other process: with
    XM_REQUESTOR_ANY_PROCESS each paging read of pagefile-backed memory names a
    process drawn from the live ones, each level's lookup touches that
    process's CID page, and the recursion goes on only while those pages are
    out.

    The model runs one operation at a time. A hard fault's read completes, in
    modelled time, when its thread runs its next operation: the other workers
    run one operation each meanwhile, and those that touch the page then are
    the collided faults.

Environment:

    User mode model.

--*/

#include <stdlib.h>
#include <string.h>
#include "xm_model.h"

void
XmMemoryBoot(
    XM_MACHINE *Machine
    )
{
    uint32_t i;

    for (i = 0; i < XM_PAGES; i++) {
        XM_PAGE *page = &Machine->Pages[i];

        memset(page, 0, sizeof(*page));
        page->Kind = i < XM_CID_PAGES ? XmPageCid : i < XM_CID_PAGES + XM_IMAGE_PAGES ? XmPageImage : XmPageOther;
        page->State = XmPageActive;
    }
}

static uint32_t
XmCurrentThreadTag(
    XM_MACHINE *Machine
    )
{
    return Machine->Current->Slot + 1;
}

static int
XmPagefileBacked(
    const XM_PAGE *Page
    )
{
    return Page->Kind != XmPageImage;       // paged pool; image pages come back from their file
}

static void
XmMakeActive(
    XM_PAGE *Page,
    int Write
    )
{
    Page->State = XmPageActive;
    Page->Accessed = 1;
    Page->Age = 0;
    Page->ReadThread = 0;
    Page->ReadDepth = 0;
    if (Write) {
        Page->Dirty = 1;
    }
}

static void
XmHardFault(
    XM_MACHINE *Machine,
    XM_PAGE *Page
    )
/*++

Routine Description:

    Reads a page back: MiIssueHardFault, then either the store manager or
    MiPageRead -> IoPageReadEx, whose paging read (IRP_MJ_READ, IRP_PAGING_IO |
    IRP_NOCACHE, the faulting thread as requestor) passes through the filters
    before the page is resident. The page is in flight meanwhile. The paging
    read's requestor is the faulting thread's process, or with
    XM_REQUESTOR_ANY_PROCESS a live process drawn at random.

--*/
{
    XmPushFrame(Machine, XmFnMiIssueHardFault);
    Page->State = XmPageInPage;
    Page->ReadThread = XmCurrentThreadTag(Machine);
    Page->ReadDepth++;
    Machine->HardFaults++;

    if (Machine->Options.PagingPath == XM_PAGING_STORE && XmPagefileBacked(Page)) {
        XmPushFrame(Machine, XmFnSmPageRead);
        Machine->StoreReads++;
        XmPopFrame(Machine);
    } else {
        XM_PROCESS *requestor = Machine->Options.PagingRequestor == XM_REQUESTOR_ANY_PROCESS &&
                                XmPagefileBacked(Page) ? XmRandomUserProcess(Machine) : Machine->Current->Process;

        XmPushFrame(Machine, XmFnMiPageRead);
        XmPushFrame(Machine, XmFnIoPageReadEx);
        Machine->PagingReads++;
        Machine->PagingRead(Machine, XF_OP_READ, XM_IRP_PAGING_IO | XM_IRP_NOCACHE, requestor,
                             Page->Kind == XmPageImage ? XF_IO_TARGET_IMAGE : XF_IO_TARGET_PAGING_FILE);
        XmPopFrame(Machine);
        XmPopFrame(Machine);
    }

    //
    //  The read is down at the disk: this thread waits for it while the other
    //  workers run their next operation.
    //
    Page->ReadDepth--;
    Page->ReadDone = Machine->OperationNumber + (Machine->Workers > 1 ? Machine->Workers - 1 : 0);
    XmPopFrame(Machine);
}

void
XmTouchPage(
    XM_MACHINE *Machine,
    uint32_t Page,
    int Write
    )
/*++

Routine Description:

    An access to pageable memory by the current thread: nothing for a resident
    page; a soft fault for a standby or modified one; a collided fault for a
    page another thread is reading; a hard fault for one in the pagefile; and
    the undocumented case, a page this thread is reading, as the options say.

--*/
{
    XM_PAGE *page = &Machine->Pages[Page];

    if (page->State == XmPageInPage && page->ReadDepth == 0 &&
        (Machine->OperationNumber >= page->ReadDone || page->ReadThread == XmCurrentThreadTag(Machine))) {
        XmMakeActive(page, 0);                      // the read is done, or it is this thread's and it waited
    }
    if (page->State == XmPageActive) {
        page->Accessed = 1;
        page->Dirty |= (uint8_t)(Write != 0);
        return;
    }

    XmPushFrame(Machine, XmFnKiPageFault);
    XmPushFrame(Machine, XmFnMmAccessFault);

    switch (page->State) {
    case XmPageStandby:
    case XmPageModified:
        Machine->SoftFaults++;
        XmMakeActive(page, Write);
        break;

    case XmPageInPage:
        if (page->ReadThread != XmCurrentThreadTag(Machine)) {
            XmPushFrame(Machine, XmFnMiWaitForInPageComplete);
            Machine->CollidedFaults++;
            XmMakeActive(page, Write);              // the other thread's read completes; this one goes on
            XmPopFrame(Machine);
            break;
        }
        Machine->SameThreadFaults++;
        if (Machine->Options.SameThreadFault == XM_SAME_THREAD_WAIT) {
            XmPushFrame(Machine, XmFnMiWaitForInPageComplete);
            XmHang(Machine);                        // does not return
        }
        XmHardFault(Machine, page);
        break;

    default:
        XmHardFault(Machine, page);
        page->Dirty |= (uint8_t)(Write != 0);
        break;
    }

    XmPopFrame(Machine);
    XmPopFrame(Machine);
}

static void
XmTrim(
    XM_PAGE *Page,
    uint64_t Now
    )
{
    Page->State = Page->Dirty ? XmPageModified : XmPageStandby;
    Page->ListedAt = Now;
}

static int
XmListedEarlier(
    const void *A,
    const void *B
    )
{
    const XM_PAGE *a = *(XM_PAGE *const *)A, *b = *(XM_PAGE *const *)B;

    if (a->ListedAt != b->ListedAt) {
        return a->ListedAt < b->ListedAt ? -1 : 1;
    }
    return a < b ? -1 : a > b;
}

static uint32_t
XmRepurposeStandby(
    XM_MACHINE *Machine,
    uint32_t Wanted
    )
/*++

Routine Description:

    Takes up to Wanted pages from the standby list for an allocation, the
    longest-listed first. Returns how many it took.

--*/
{
    XM_PAGE *standby[XM_PAGES];
    uint32_t count = 0, i;

    for (i = 0; i < XM_PAGES; i++) {
        if (Machine->Pages[i].State == XmPageStandby) {
            standby[count++] = &Machine->Pages[i];
        }
    }
    qsort(standby, count, sizeof(standby[0]), XmListedEarlier);
    for (i = 0; i < count && i < Wanted; i++) {
        standby[i]->State = XmPageOut;
    }
    return i;
}

void
XmPressureCycle(
    XM_MACHINE *Machine,
    uint32_t Percent,
    uint32_t Flags
    )
/*++

Routine Description:

    One cycle of memory pressure: the modified page writer writes the modified
    list out, the working set manager ages the working set, and an allocation
    holding Percent of the pageable pages' frames leaves the rest for them.
    The working set manager trims the working set to a limit below that (the
    oldest pages first), so a reserve of trimmed pages stays on the standby
    list, where a touch is a soft fault; the frames beyond what is left come
    from the standby list, the longest-listed first, and those pages go to the
    pagefile. With XM_PRESSURE_PURGE_LISTS every pageable page then goes to
    the pagefile.

--*/
{
    uint32_t capacity = XM_PAGES - XM_PAGES * Percent / 100, resident = 0, active = 0;
    uint32_t limit = capacity - capacity / XM_STANDBY_SHARE, demand;
    uint32_t standby = 0, byAge[XM_MAX_AGE + 1] = { 0 }, i;
    uint64_t now = Machine->OperationNumber;

    for (i = 0; i < XM_PAGES; i++) {
        XM_PAGE *p = &Machine->Pages[i];

        if (p->State == XmPageModified) {           // written to the pagefile: clean now
            p->State = XmPageStandby;
            p->Dirty = 0;
        }
        if (p->State == XmPageActive) {
            if (p->Accessed) {
                p->Accessed = 0;
                p->Age = 0;
            } else if (p->Age < XM_MAX_AGE) {
                p->Age++;
            }
            byAge[p->Age]++;
        }
        standby += p->State == XmPageStandby;
        resident += p->State != XmPageOut;
        active += p->State == XmPageActive || p->State == XmPageInPage;
    }

    if ((Flags & XM_PRESSURE_PURGE_LISTS) != 0) {
        for (i = 0; i < XM_PAGES; i++) {
            XM_PAGE *p = &Machine->Pages[i];
            if (p->State == XmPageActive || p->State == XmPageStandby) {
                p->State = XmPageOut;
                p->Dirty = 0;
                Machine->Evictions++;
            }
        }
        return;
    }

    //
    //  Trim the working set down to its limit, the oldest pages first: every
    //  page older than some age, and of that age the first ones in table
    //  order. Pages used since the last aging pass (age 0) are not trimmed.
    //  Clean ones go to the standby list, dirty ones to the modified list
    //  (written out at the next cycle).
    //
    demand = active > limit ? active - limit : 0;
    {
        uint32_t have = 0, threshold = XM_MAX_AGE + 1, ofThreshold = 0, taken = 0;

        while (threshold > 1 && have < demand) {
            threshold--;
            have += byAge[threshold];
        }
        if (threshold <= XM_MAX_AGE) {
            ofThreshold = byAge[threshold] - (have > demand ? have - demand : 0);
        }
        for (i = 0; i < XM_PAGES && threshold <= XM_MAX_AGE; i++) {
            XM_PAGE *p = &Machine->Pages[i];
            if (p->State != XmPageActive || p->Age < threshold) {
                continue;
            }
            if (p->Age == threshold && taken++ >= ofThreshold) {
                continue;
            }
            XmTrim(p, now);
            standby += p->State == XmPageStandby;
        }
    }

    //
    //  The frames beyond what the allocation leaves come from the standby
    //  list, the longest-listed first: those pages go to the pagefile.
    //
    Machine->Evictions += XmRepurposeStandby(Machine, resident > capacity ? resident - capacity : 0);
}

void
XmHang(
    XM_MACHINE *Machine
    )
/*++

Routine Description:

    The current thread waits for something that cannot happen while it waits:
    the machine stops making progress. The model records it like a crash, with
    no stop code and no dump (a hung Windows machine writes none unless forced:
    XmInjectNmi forces one), and unwinds to the entry point that ran the
    machine.

--*/
{
    XM_THREAD *t = Machine->Current;
    uint32_t i, depth = 0;

    for (i = 0; i < t->FrameCount; i++) {
        depth += t->Frames[i] == XmFnXfPreOperation;
    }
    Machine->Crashed = 1;
    Machine->Hung = 1;
    Machine->HungThread = t;                    // what an NMI's dump shows (XmInjectNmi)
    memset(&Machine->Crash, 0, sizeof(Machine->Crash));
    Machine->Crash.Hung = 1;
    Machine->Crash.HungDepth = depth;
    if (Machine->CrashJump == NULL) {
        abort();
    }
    longjmp(*Machine->CrashJump, 1);
}
