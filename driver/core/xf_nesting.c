/*++

Module Name:

    xf_nesting.c

Abstract:

    Nesting: the per-thread depth of the pre-operation callback, kept in a
    fixed table of slots so paging I/O that re-enters the filter is seen.

Environment:

    Kernel mode or the user-mode kernel model.

--*/

#include "xf_core_internal.h"

XF_NESTING_SLOT *
XfNestingEnter(
    _Inout_ XF_CORE *Core,
    _In_ XF_U64 Thread,
    _Out_ XF_U32 *Depth
    )
/*++

Routine Description:

    Counts one more level of callback on this thread. A thread owns at most
    one of two candidate slots (two hashes), so finding its own slot is two
    loads; claiming a free one is one compare-exchange. Only the owner writes
    Depth, so it needs no interlock.

Arguments:

    Core - The core.

    Thread - XfPlatCurrentThread.

    Depth - Receives this callback's nesting depth (1: not nested), or 0 when
        it cannot be known.

Return Value:

    The slot to pass to XfNestingLeave, or NULL when both candidates belong to
    other threads. The depth is then unknown, not 1: the callback is counted
    in NestingOverflows, the nesting guard treats it as nested, and the
    self-test touches nothing.

--*/
{
    XF_U64 h = XfHash64(Thread);
    XF_NESTING_SLOT *candidates[2];
    XF_U32 i;

    candidates[0] = &Core->Nesting[h & (XF_NESTING_SLOTS - 1)];
    candidates[1] = &Core->Nesting[(h >> 32) & (XF_NESTING_SLOTS - 1)];

    for (i = 0; i < 2; i++) {
        if (XfLoad64(&candidates[i]->Thread) == Thread) {
            *Depth = candidates[i]->Depth + 1;
            XfStore32(&candidates[i]->Depth, *Depth);
            return candidates[i];
        }
    }

    for (i = 0; i < 2; i++) {
        if (XfAtomicCas64(&candidates[i]->Thread, 0, Thread)) {
            XfStore32(&candidates[i]->Depth, 1);
            *Depth = 1;
            return candidates[i];
        }
    }

    XfAtomicInc64(&Core->NestingOverflows);
    *Depth = 0;
    return NULL;
}

void
XfNestingLeave(
    _In_opt_ XF_NESTING_SLOT *Slot
    )
/*++

Routine Description:

    Undoes XfNestingEnter; the outermost level frees the slot.

Arguments:

    Slot - What XfNestingEnter returned (NULL: nothing to undo).

Return Value:

    None.

--*/
{
    XF_U32 depth;

    if (Slot == NULL) {
        return;
    }
    XF_ASSERT(Slot->Depth > 0);
    depth = Slot->Depth - 1;
    XfStore32(&Slot->Depth, depth);
    if (depth == 0) {
        XfStoreRelease64(&Slot->Thread, 0);
    }
}
