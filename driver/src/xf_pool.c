/*++

Module Name:

    xf_pool.c

Abstract:

    Pool allocation: ExAllocatePool2 (Windows 10 2004 and later) resolved at
    run time, ExAllocatePoolWithTag on older kernels. Both return zeroed,
    non-paged, tagged memory here.

Environment:

    Kernel mode, IRQL <= DISPATCH_LEVEL (resolution at PASSIVE_LEVEL).

--*/

#include "xf_driver.h"

#define XF_POOL_FLAG_NON_PAGED  0x0000000000000040ULL   // POOL_FLAG_NON_PAGED

#ifdef ALLOC_PRAGMA
#pragma alloc_text(INIT, XfResolvePoolApi)
#endif

XF_INIT
VOID
XfResolvePoolApi(
    VOID
    )
/*++

Routine Description:

    Resolves ExAllocatePool2 where the kernel exports it.

Arguments:

    None.

Return Value:

    None.

--*/
{
    XfData.AllocatePool2 = (XF_ALLOCATE_POOL2)(ULONG_PTR)XfSystemRoutine(L"ExAllocatePool2");
}

PVOID
XfAllocateNonPaged(
    _In_ SIZE_T Bytes
    )
/*++

Routine Description:

    Zeroed, tagged, non-paged (NX) pool.

Arguments:

    Bytes - The size.

Return Value:

    The memory, or NULL.

--*/
{
    PVOID buffer;

    if (XfData.AllocatePool2 != NULL) {
        return XfData.AllocatePool2(XF_POOL_FLAG_NON_PAGED, Bytes, XF_POOL_TAG);
    }
#if defined(_MSC_VER) && !defined(__MINGW32__)
#pragma warning(suppress: 4996)     // the fallback for kernels without ExAllocatePool2
#endif
    buffer = ExAllocatePoolWithTag(NonPagedPoolNx, Bytes, XF_POOL_TAG);
    if (buffer != NULL) {
        RtlZeroMemory(buffer, Bytes);
    }
    return buffer;
}

VOID
XfFree(
    _In_ PVOID Buffer
    )
/*++

Routine Description:

    Frees what XfAllocateNonPaged returned.

Arguments:

    Buffer - The memory.

Return Value:

    None.

--*/
{
    ExFreePoolWithTag(Buffer, XF_POOL_TAG);
}
