/*++

Module Name:

    xm_random.c

Abstract:

    What the model draws at random: splitmix64, so a seed reproduces a run on
    any machine, and a user process picked at random.

Environment:

    User mode model.

--*/

#include "xm_model.h"

uint64_t
XmRandomNext(
    XM_RANDOM *Random
    )
/*++

Routine Description:

    The next 64 random bits (splitmix64).

--*/
{
    uint64_t z = (Random->State += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

uint32_t
XmRandomBelow(
    XM_RANDOM *Random,
    uint32_t Bound
    )
/*++

Routine Description:

    A random number below Bound (0 when Bound is 0).

--*/
{
    return Bound == 0 ? 0 : (uint32_t)(XmRandomNext(Random) % Bound);
}

XM_PROCESS *
XmRandomUserProcess(
    XM_MACHINE *Machine
    )
/*++

Routine Description:

    A user process picked at random.

--*/
{
    if (Machine->UserProcessCount == 0) {
        return Machine->SystemProcess;
    }
    return Machine->UserProcesses[XmRandomBelow(&Machine->Random, Machine->UserProcessCount)];
}
