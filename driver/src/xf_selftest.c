/*++

Module Name:

    xf_selftest.c

Abstract:

    The self-test trigger's pages: XF_SELFTEST_MAX_DEPTH pages of data in a
    pageable section of the image (a section whose name starts with PAGE is
    pageable), one per nesting depth. Touching one that the memory manager
    trimmed makes a paging read of xidfilter.sys itself, which re-enters the
    filter whether or not the CID table's page-ins reach filters on that
    Windows version. What is known and what is assumed about it is written at
    XfSelfTest in driver/core/xf_preop.c.

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
XF_PAGEABLE_DATA volatile UCHAR XfSelfTestPages[XF_SELFTEST_MAX_DEPTH][PAGE_SIZE] = {
    {1},  {2},  {3},  {4},  {5},  {6},  {7},  {8},  {9},  {10}, {11}, {12}, {13}, {14}, {15}, {16},
    {17}, {18}, {19}, {20}, {21}, {22}, {23}, {24}, {25}, {26}, {27}, {28}, {29}, {30}, {31}, {32}
};

#if defined(_MSC_VER) && !defined(__MINGW32__)
#pragma data_seg()
#endif

VOID
XfSelfTestTouchPage(
    _In_ XF_U32 Page
    )
/*++

Routine Description:

    Reads the first byte of one page. Non-paged: it runs in the callback of a
    paging read.

Arguments:

    Page - 0 .. XF_SELFTEST_MAX_DEPTH - 1 (the core passes depth - 1).

Return Value:

    None.

--*/
{
    FLT_ASSERT(Page < XF_SELFTEST_MAX_DEPTH);
    if (Page < XF_SELFTEST_MAX_DEPTH) {
        (VOID)XfSelfTestPages[Page][0];
    }
}
