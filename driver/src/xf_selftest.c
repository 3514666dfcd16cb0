/*++

Module Name:

    xf_selftest.c

Abstract:

    The self-test trigger's pages: data in a pageable section of the image
    (a section whose name starts with PAGE is pageable). Touching one that the
    memory manager trimmed makes a paging read of xidfilter.sys itself, which
    re-enters the filter on any Windows version, whether or not the CID table's
    page-ins reach filters there.

Environment:

    Kernel mode, IRQL <= APC_LEVEL (it faults on purpose).

--*/

#include "xf_driver.h"

#if defined(_MSC_VER) && !defined(__MINGW32__)
#pragma data_seg("PAGEXFST")
#define XF_PAGEABLE_DATA
#else
#define XF_PAGEABLE_DATA __attribute__((section("PAGEXFST")))
#endif

//
//  Written once per page so the pages are real data, not a zero-fill the
//  linker could drop into .bss.
//
XF_PAGEABLE_DATA volatile UCHAR XfSelfTestPages[XF_SELFTEST_PAGES][PAGE_SIZE] = {
    {1}, {2}, {3}, {4}, {5}, {6}, {7}, {8}
};

#if defined(_MSC_VER) && !defined(__MINGW32__)
#pragma data_seg()
#endif

VOID
XfSelfTestTouchPage(
    _In_ XF_U32 Depth
    )
/*++

Routine Description:

    Reads the first byte of the page chosen by the nesting depth.

--*/
{
    (VOID)XfSelfTestPages[Depth % XF_SELFTEST_PAGES][0];
}
