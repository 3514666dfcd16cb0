/*++

Module Name:

    xf_config.c

Abstract:

    Configuration of the core: the defaults, validation of a configuration the
    registry or an IOCTL hands in, and initialization of an XF_CORE.

Environment:

    Kernel mode or the user-mode kernel model.

--*/

#include "xf_core_internal.h"

#if defined(XF_KERNEL) && defined(ALLOC_PRAGMA)
#pragma alloc_text(PAGE, XfCoreValidateConfig)
#endif

void
XfCoreDefaultConfig(
    _Out_ XF_CONFIG *Config
    )
/*++

Routine Description:

    The field configuration: lookup on every callback, no skip flags, no
    guard, no self-test.

Arguments:

    Config - Receives the configuration.

Return Value:

    None.

--*/
{
    XfZeroBytes(Config, sizeof(*Config));
    Config->Size = sizeof(XF_CONFIG);
    Config->Version = XF_STRUCT_VERSION;
    Config->XidMode = XF_XID_MODE_LOOKUP;
}

XF_PAGED
XF_NTSTATUS
XfCoreValidateConfig(
    _In_ const XF_CONFIG *Config
    )
/*++

Routine Description:

    Checks every field of a configuration. Changes nothing.

Arguments:

    Config - The configuration to check.

Return Value:

    XF_STATUS_SUCCESS or XF_STATUS_INVALID_PARAMETER.

--*/
{
    XF_U32 op;

    XF_PAGED_CODE();

    if (Config->Size != sizeof(XF_CONFIG) || Config->Version != XF_STRUCT_VERSION) {
        return XF_STATUS_INVALID_PARAMETER;
    }
    if (Config->XidMode >= XF_XID_MODE_COUNT) {
        return XF_STATUS_INVALID_PARAMETER;
    }
    if ((Config->GuardFlags & ~XF_GUARD_VALID_MASK) != 0) {
        return XF_STATUS_INVALID_PARAMETER;
    }
    if (Config->GuardStackThreshold != 0 || (Config->GuardFlags & XF_GUARD_LOW_STACK) != 0) {
        if (Config->GuardStackThreshold < XF_GUARD_STACK_MIN ||
            Config->GuardStackThreshold > XF_GUARD_STACK_MAX) {
            return XF_STATUS_INVALID_PARAMETER;
        }
    }
    if (Config->SelfTest != XF_SELFTEST_OFF && Config->SelfTest != XF_SELFTEST_ON) {
        return XF_STATUS_INVALID_PARAMETER;
    }
    for (op = 0; op < XF_OP_COUNT; op++) {
        if ((Config->OperationFlags[op] & ~XF_REG_VALID_MASK) != 0) {
            return XF_STATUS_INVALID_PARAMETER;
        }
    }
    if (Config->Reserved != 0) {
        return XF_STATUS_INVALID_PARAMETER;
    }
    return XF_STATUS_SUCCESS;
}

void
XfResetCounters(
    _Inout_ XF_CORE *Core
    )
/*++

Routine Description:

    Zeroes the telemetry. Re-registrations survive a reset (they describe the
    load, not the workload), and so does the CacheEntries gauge.

Arguments:

    Core - The core.

Return Value:

    None.

--*/
{
    XF_COUNTERS *c = &Core->Counters;
    XF_U32 target;

    XfStore64(&c->Callbacks, 0);
    XfStore64(&c->PagingIoCallbacks, 0);
    XfStore64(&c->Lookups, 0);
    XfStore64(&c->LookupFailures, 0);
    XfStore64(&c->CacheHits, 0);
    XfStore64(&c->CacheMisses, 0);
    XfStore64(&c->GuardSkips, 0);
    XfStore64(&c->SelfTestTouches, 0);
    for (target = 0; target < 3; target++) {
        XfStore64(&c->NestedIo[target], 0);
    }
    for (target = 0; target < XF_KIND_COUNT; target++) {
        XfStore64(&c->Kinds[target], 0);
    }
    XfStore64(&c->SelfTestDepthLimited, 0);
    XfStore64(&c->CacheDrops, 0);
    XfStore64(&Core->NestingOverflows, 0);
    XfStore32(&c->MaxNestingDepth, 0);
    XfStore32(&c->MinRemainingStack, XF_STACK_NOT_SEEN);
}

void
XfCoreInitialize(
    _Out_ XF_CORE *Core,
    _In_opt_ const XF_CONFIG *Saved,
    _In_ XF_U32 BuildFlavor,
    _In_ XF_U32 LoadCount,
    _In_opt_ void *Platform
    )
/*++

Routine Description:

    Sets up the core at load. A saved configuration that does not validate
    (an older layout, a hand-edited key) is replaced by the default rather
    than half-used.

Arguments:

    Core - The core to set up; zeroed first.

    Saved - The configuration the service key held, or NULL.

    BuildFlavor - XF_BUILD_* of this binary.

    LoadCount - Loads recorded so far, this one included.

    Platform - The platform's own context (the model's machine), or NULL.

Return Value:

    None.

--*/
{
    XfZeroBytes(Core, sizeof(*Core));

#if defined(XF_PRODUCT_OPERATION_FLAGS)
    //
    //  The stand-in for a vendor's product filter (make -C driver
    //  standin-package): its registration is compiled in, as a product's is,
    //  so no saved configuration changes what it registers or looks up.
    //
    (void)Saved;
    XfCoreDefaultConfig(&Core->Config);
    for (XF_U32 op = 0; op < XF_OP_COUNT; op += 1) {
        Core->Config.OperationFlags[op] = (XF_PRODUCT_OPERATION_FLAGS);
    }
#else
    if (Saved != NULL && XfCoreValidateConfig(Saved) == XF_STATUS_SUCCESS) {
        XfCopyBytes(&Core->Config, Saved, sizeof(XF_CONFIG));
        Core->StateFlags |= XF_INFO_CONFIG_FROM_REGISTRY;
    } else {
        XfCoreDefaultConfig(&Core->Config);
    }
#endif

    Core->BuildFlavor = BuildFlavor;
    Core->LoadCount = LoadCount;
    Core->Platform = Platform;
    XfResetCounters(Core);
    XfStoreRelease64(&Core->LiveSettings, XfLivePackConfig(&Core->Config));
}

void
XfCoreNoteRegistration(
    _Inout_ XF_CORE *Core,
    _In_ XF_NTSTATUS Status,
    _In_reads_(XF_OP_COUNT) const XF_U32 OperationFlags[XF_OP_COUNT]
    )
/*++

Routine Description:

    Records what FltRegisterFilter was given and what it answered.

Arguments:

    Core - The core.

    Status - What FltRegisterFilter returned.

    OperationFlags - The flags it was given.

Return Value:

    None.

--*/
{
    XF_U32 op;

    Core->RegisterStatus = Status;
    if (XF_NT_SUCCESS(Status)) {
        for (op = 0; op < XF_OP_COUNT; op++) {
            Core->ActiveOperationFlags[op] = OperationFlags[op];
        }
        Core->StateFlags |= XF_INFO_FILTER_REGISTERED;
    } else {
        Core->StateFlags &= ~(XF_INFO_FILTER_REGISTERED | XF_INFO_FILTERING_STARTED);
    }
}

void
XfCoreSetStateFlags(
    _Inout_ XF_CORE *Core,
    _In_ XF_U32 SetFlags,
    _In_ XF_U32 ClearFlags
    )
/*++

Routine Description:

    Sets and clears XF_INFO_* state bits.

Arguments:

    Core - The core.

    SetFlags - Bits to set.

    ClearFlags - Bits to clear (cleared first).

Return Value:

    None.

--*/
{
    Core->StateFlags = (Core->StateFlags & ~ClearFlags) | SetFlags;
}
