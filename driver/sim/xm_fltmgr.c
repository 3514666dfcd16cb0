/*++

Module Name:

    xm_fltmgr.c

Abstract:

    The filter manager as far as the crash needs it: one registered minifilter,
    its per-operation registration flags fixed at registration, and the
    dispatch that calls its pre-operation callback unless a flag says to skip
    the operation, then passes the operation down to the file system:

      FLTFL_OPERATION_REGISTRATION_SKIP_PAGING_IO    IRP_PAGING_IO set
      FLTFL_OPERATION_REGISTRATION_SKIP_CACHED_IO    read/write without IRP_NOCACHE (and not paging)
      FLTFL_OPERATION_REGISTRATION_SKIP_NON_DASD_IO  I/O on a file rather than a volume (all of the
                                                     model's I/O)
      FLTFL_OPERATION_REGISTRATION_SKIP_NON_CACHED_NON_PAGING_IO (0x8, Windows 8 and later)
                                                     read/write with IRP_NOCACHE and without
                                                     IRP_PAGING_IO: non-cached I/O an application asked for
                                                     (paging I/O, also non-cached, is still seen)

    Unregistering waits for callbacks in flight (a rundown), so the filter can
    be unregistered and registered again while operations run. A test can
    make the next registration fail (XmFailNextRegistration), to drive the
    driver's recovery from a failed live re-registration.

    The filters loaded beside xidfilter at a site (XmSetEnvironment) sit on
    the same stack: minifilter instances at their altitudes, whose
    pre-operation callbacks the pre-callback worker calls one after another
    from the highest altitude down, and legacy filters' devices above the
    filter manager's, whose dispatch frames stay on the stack below
    everything the operation reaches. So on the paging path a re-entry level
    spends, besides xidfilter's own frames, the peak of the callbacks above
    xidfilter's (each returns before the next is called) and every legacy
    filter's frame; the callbacks below xidfilter's never run while it
    recurses. The frame each takes is the environment's, a stated assumption.

Environment:

    User mode model.

--*/

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "xm_model.h"

int32_t
XmFltRegisterFilter(
    XM_MACHINE *Machine,
    const uint32_t OperationFlags[XF_OP_COUNT]
    )
{
    uint32_t op;
    int32_t injected = Machine->Filter.FailNextRegistration;

    if (injected != 0) {
        Machine->Filter.FailNextRegistration = 0;
        return injected;
    }
    if (Machine->Filter.Registered) {
        return (int32_t)0xC01C0011;         // STATUS_FLT_INSTANCE_ALTITUDE_COLLISION: one filter only
    }
    for (op = 0; op < XF_OP_COUNT; op++) {
        if ((OperationFlags[op] & ~XF_REG_VALID_MASK) != 0) {
            return XM_STATUS_INVALID_PARAMETER;
        }
        Machine->Filter.OperationFlags[op] = OperationFlags[op];
    }
    Machine->Filter.Registered = 1;
    Machine->Filter.Filtering = 0;
    Machine->Filter.Generation++;
    return XM_STATUS_SUCCESS;
}

int32_t
XmFltStartFiltering(
    XM_MACHINE *Machine
    )
{
    if (!Machine->Filter.Registered) {
        return XM_STATUS_INVALID_PARAMETER;
    }
    Machine->Filter.Filtering = 1;
    return XM_STATUS_SUCCESS;
}

void
XmFltUnregisterFilter(
    XM_MACHINE *Machine
    )
/*++

Routine Description:

    FltUnregisterFilter: no new callbacks, then wait for those in flight. In
    the model every operation runs under the machine lock, which the caller
    holds, so the rundown is already drained on other threads; callbacks in
    flight on the caller's own thread would deadlock a real machine and are a
    model bug here.

--*/
{
    Machine->Filter.Filtering = 0;
    Machine->Filter.Registered = 0;
    if (Machine->Filter.InFlight != 0) {
        abort();
    }
}

/*************************************************************************
    The site's other filters
*************************************************************************/

static uint32_t
XmFltNameHash(
    const char *Name,
    uint32_t Seed
    )
/*++

Routine Description:

    FNV-1a of a module's name: a resident filter's image stamp and checksum,
    the same for the same name on every machine.

--*/
{
    uint32_t h = 2166136261u ^ Seed;

    for (; *Name != '\0'; Name++) {
        h = (h ^ (uint8_t)*Name) * 16777619u;
    }
    return h;
}

int
XmFltEnvironmentValid(
    const XM_ENVIRONMENT *Environment
    )
/*++

Routine Description:

    An environment the model can stand for: a known size, a build and a
    processor count a DUMP_HEADER64 can hold, at least 1 MiB of memory, and
    filters with a name, a frame that is one (16-byte aligned, smaller than
    the stack) and flags it knows. No two minifilter instances share an
    altitude, nor one xidfilter's (the filter manager refuses that:
    STATUS_FLT_INSTANCE_ALTITUDE_COLLISION); a legacy filter has no
    registration flags.

--*/
{
    const XM_RESIDENT_FILTER *f;
    uint32_t i, j;

    if (Environment->Size != sizeof(XM_ENVIRONMENT) || Environment->Reserved != 0 ||
        Environment->Build == 0 || Environment->Build > 0xFFFFFFu ||
        Environment->Processors == 0 || Environment->Processors > 1024 ||
        Environment->PhysicalPages < 0x100 || Environment->FilterCount > XM_MAX_RESIDENT_FILTERS ||
        Environment->FilterAltitudeThousandths == 0) {
        return 0;
    }
    for (i = 0; i < Environment->FilterCount; i++) {
        f = &Environment->Filters[i];
        if (f->Module[0] == '\0' || memchr(f->Module, '\0', sizeof(f->Module)) == NULL ||
            strchr(f->Module, '\\') != NULL || f->FrameBytes < 16 || f->FrameBytes > 0x4000 ||
            f->FrameBytes % 16 != 0 || f->AltitudeThousandths == 0 || f->Reserved != 0 ||
            (f->Flags & ~(XM_RESIDENT_SKIP_PAGING_IO | XM_RESIDENT_LEGACY)) != 0 ||
            f->Flags == (XM_RESIDENT_SKIP_PAGING_IO | XM_RESIDENT_LEGACY)) {
            return 0;
        }
        if ((f->Flags & XM_RESIDENT_LEGACY) != 0) {
            continue;
        }
        if (f->AltitudeThousandths == Environment->FilterAltitudeThousandths) {
            return 0;
        }
        for (j = 0; j < i; j++) {
            if ((Environment->Filters[j].Flags & XM_RESIDENT_LEGACY) == 0 &&
                Environment->Filters[j].AltitudeThousandths == f->AltitudeThousandths) {
                return 0;
            }
        }
    }
    return 1;
}

void
XmFltInstallEnvironment(
    XM_MACHINE *Machine,
    const XM_ENVIRONMENT *Environment
    )
/*++

Routine Description:

    Copies a valid environment into the machine and builds its images: the
    kernel's modules and functions, then per resident filter a module at its
    own base (0x80000 apart from 0xfffff80479000000, clear of the kernel's)
    with one function, its callback, whose frame is the filter's; and the
    order of the pre-callbacks and of the legacy devices.

--*/
{
    uint32_t i, n;

    Machine->Environment = *Environment;
    memcpy(Machine->Modules, XmModules, sizeof(XmModules));
    memcpy(Machine->Functions, XmFunctions, sizeof(XmFunctions));
    Machine->ModuleCount = XmModCount;
    Machine->FunctionCount = XmFnCount;
    for (i = 0; i < Environment->FilterCount; i++) {
        const XM_RESIDENT_FILTER *f = &Machine->Environment.Filters[i];
        XM_MODULE_INFO *module = &Machine->Modules[XmModCount + i];
        XM_FUNCTION_INFO *function = &Machine->Functions[XmFnCount + i];

        snprintf(Machine->ModulePaths[i], sizeof(Machine->ModulePaths[i]),
                 "\\SystemRoot\\System32\\drivers\\%s", f->Module);
        module->Path = Machine->ModulePaths[i];
        module->Base = 0xfffff80479000000ull + (uint64_t)i * 0x80000;
        module->Size = 0x40000;
        module->TimeDateStamp = XmFltNameHash(f->Module, 0);
        module->CheckSum = XmFltNameHash(f->Module, 0x5a5a5a5au) & 0x000fffffu;
        function->Name = (f->Flags & XM_RESIDENT_LEGACY) != 0 ? "DispatchRoutine" : "PreOperationCallback";
        function->Module = (XM_MODULE)(XmModCount + i);
        function->Rva = 0x1010;
        function->CallSite = (f->Flags & XM_RESIDENT_LEGACY) != 0 ? 0x9c : 0;   // a legacy filter calls down
        function->FrameBytes = f->FrameBytes;
    }
    Machine->ModuleCount = XmModCount + Environment->FilterCount;
    Machine->FunctionCount = XmFnCount + Environment->FilterCount;

    //
    //  Pre-callbacks from the highest altitude down (an insertion sort of at
    //  most 33), xidfilter's among them; legacy devices likewise, the one
    //  attached last (highest) first.
    //
    Machine->PreCount = 0;
    Machine->LegacyCount = 0;
    Machine->PreOrder[Machine->PreCount++] = XM_PRE_OURS;
    for (i = 0; i < Environment->FilterCount; i++) {
        uint32_t altitude = Environment->Filters[i].AltitudeThousandths;
        int legacy = (Environment->Filters[i].Flags & XM_RESIDENT_LEGACY) != 0;
        uint32_t *order = legacy ? Machine->LegacyOrder : Machine->PreOrder;
        uint32_t *count = legacy ? &Machine->LegacyCount : &Machine->PreCount;

        for (n = *count; n > 0; n--) {
            uint32_t above = order[n - 1];
            uint32_t aboveAltitude = above == XM_PRE_OURS ? Environment->FilterAltitudeThousandths
                                   : Environment->Filters[above].AltitudeThousandths;
            if (aboveAltitude >= altitude) {
                break;
            }
            order[n] = above;
        }
        order[n] = i;
        (*count)++;
    }
}

static int
XmFltSees(
    const XM_RESIDENT_FILTER *Filter,
    uint32_t IrpFlags
    )
{
    return (Filter->Flags & XM_RESIDENT_SKIP_PAGING_IO) == 0 || (IrpFlags & XM_IRP_PAGING_IO) == 0;
}

static int
XmFltSkips(
    uint32_t Flags,
    uint32_t IrpFlags,
    uint32_t Operation
    )
{
    int paging = (IrpFlags & XM_IRP_PAGING_IO) != 0;
    int cached = Operation != XF_OP_CREATE && !paging && (IrpFlags & XM_IRP_NOCACHE) == 0;
    int nonCachedNonPaging = Operation != XF_OP_CREATE && !paging && (IrpFlags & XM_IRP_NOCACHE) != 0;

    if ((Flags & XF_REG_SKIP_PAGING_IO) != 0 && paging) {
        return 1;
    }
    if ((Flags & XF_REG_SKIP_CACHED_IO) != 0 && cached) {
        return 1;
    }
    if ((Flags & XF_REG_SKIP_NON_DASD_IO) != 0) {
        return 1;
    }
    if ((Flags & XF_REG_SKIP_NON_CACHED_NON_PAGING_IO) != 0 && nonCachedNonPaging) {
        return 1;
    }
    return 0;
}

static void
XmFileSystem(
    XM_MACHINE *Machine,
    uint32_t Operation,
    uint32_t IrpFlags
    )
/*++

Routine Description:

    The file system below the filters. For an operation an application issued
    it touches its paged pool (FCBs, the cache manager's maps): pages of the
    "other" kind, written on a write. Its paging path touches nothing
    pageable, as a file system's must not.

--*/
{
    uint32_t i;

    if ((IrpFlags & XM_IRP_PAGING_IO) != 0) {
        return;
    }
    XmPushFrame(Machine, XmFnNtfsCommonRead);
    for (i = 0; i < XM_FS_PAGES_PER_OP; i++) {
        XmTouchPage(Machine, XM_CID_PAGES + XM_IMAGE_PAGES + XmRandomBelow(&Machine->Random, XM_OTHER_PAGES),
                    Operation == XF_OP_WRITE);
    }
    XmPopFrame(Machine);
}

void
XmFltDispatch(
    XM_MACHINE *Machine,
    uint32_t Operation,
    uint32_t IrpFlags,
    XM_PROCESS *Requestor
    )
/*++

Routine Description:

    An IRP for an ordinary file (neither the paging file nor the driver's
    image) reaching the filter manager.

--*/
{
    XmFltDispatchFile(Machine, Operation, IrpFlags, Requestor, XF_IO_TARGET_OTHER);
}

void
XmFltDispatchFile(
    XM_MACHINE *Machine,
    uint32_t Operation,
    uint32_t IrpFlags,
    XM_PROCESS *Requestor,
    uint32_t Target
    )
/*++

Routine Description:

    An IRP reaching the volume's file-system stack: IofCallDriver, each
    legacy filter's dispatch routine calling the next device, FltpDispatch,
    the pre-callback worker calling the instances' callbacks from the highest
    altitude down (xidfilter's when its registration does not skip the
    operation, a resident filter's when it sees it), then the file system.
    Target is the file the IRP is for (XF_IO_TARGET_*), what the callback
    data's file object tells a real driver.

--*/
{
    XM_CALLBACK_DATA data;
    uint32_t i, legacy;

    XmPushFrame(Machine, XmFnIofCallDriver);
    for (legacy = 0; legacy < Machine->LegacyCount; legacy++) {
        XmPushFrame(Machine, XmFnCount + Machine->LegacyOrder[legacy]);
        XmPushFrame(Machine, XmFnIofCallDriver);
    }
    XmPushFrame(Machine, XmFnFltpDispatch);
    XmPushFrame(Machine, XmFnFltpPerformPreCallbacks);

    for (i = 0; i < Machine->PreCount; i++) {
        uint32_t resident = Machine->PreOrder[i];

        if (resident != XM_PRE_OURS) {
            if (XmFltSees(&Machine->Environment.Filters[resident], IrpFlags)) {
                XmPushFrame(Machine, XmFnCount + resident);
                XmPopFrame(Machine);
            }
            continue;
        }
        if (Machine->Filter.Filtering &&
            !XmFltSkips(Machine->Filter.OperationFlags[Operation], IrpFlags, Operation)) {
            data.MajorFunction = Operation;
            data.IrpFlags = IrpFlags;
            data.Requestor = Requestor;
            data.Target = Target;
            Machine->Filter.InFlight++;
            Machine->Filter.PreOperation(Machine, &data);
            Machine->Filter.InFlight--;
        }
    }
    XmPopFrame(Machine);

    XmFileSystem(Machine, Operation, IrpFlags);
    XmPopFrame(Machine);
    for (legacy = 0; legacy < Machine->LegacyCount; legacy++) {
        XmPopFrame(Machine);
        XmPopFrame(Machine);
    }
    XmPopFrame(Machine);
}
