package dev.xidlab.protocol;

/** Versions, numbers and struct layouts of the wire contract, mirrored from xidfilter_ioctl.h. */
public final class Wire {

    public static final int PROTOCOL_VERSION = 3;
    public static final int STRUCT_VERSION = 1;
    public static final int DEVICE_TYPE = 0x8A1D;
    public static final int OPERATION_COUNT = Operation.values().length;
    public static final int GUARD_STACK_MIN = 0x400;
    public static final int GUARD_STACK_MAX = 0x5000;
    /** Nesting levels the self-test touches a page at; deeper callbacks touch none. */
    public static final int SELFTEST_MAX_DEPTH = 32;
    /** XF_STATS.MinRemainingStack before the first callback. */
    public static final int STACK_NOT_SEEN = 0xFFFFFFFF;
    /** XF_QUERY_XID_REQUEST.Mode: use the configured mode. */
    public static final int XID_MODE_CURRENT = 0xFFFFFFFF;
    public static final String USER_DEVICE_PATH = "\\\\.\\XidFilter";
    public static final String FILTER_NAME = "XidFilter";

    public static final StructLayout CONFIG = StructLayout.struct("XF_CONFIG")
            .u32("Size").u32("Version").u32("XidMode").u32("GuardFlags").u32("GuardStackThreshold")
            .u32("SelfTest").u32Array("OperationFlags", OPERATION_COUNT).u32("Reserved")
            .build();

    public static final StructLayout INFO = StructLayout.struct("XF_INFO")
            .u32("Size").u32("Version").u32("ProtocolVersion").u32("DriverVersion").u32("BuildFlavor")
            .u32("StateFlags").u32Array("ActiveOperationFlags", OPERATION_COUNT)
            .u32Array("SavedOperationFlags", OPERATION_COUNT).u32("LoadCount").u32("RegisterStatus")
            .build();

    public static final StructLayout SET_CONFIG_REQUEST = StructLayout.struct("XF_SET_CONFIG_REQUEST")
            .u32("Size").u32("Version").u32("Apply").u32("Reserved").nested("Config", CONFIG)
            .build();

    public static final StructLayout SET_CONFIG_RESPONSE = StructLayout.struct("XF_SET_CONFIG_RESPONSE")
            .u32("Size").u32("Version").u32("ResultFlags").u32("SaveStatus").u32("ReregisterStatus")
            .u32("RestoreStatus")
            .build();

    public static final StructLayout STATS = StructLayout.struct("XF_STATS")
            .u32("Size").u32("Version").u64("Callbacks").u64("PagingIoCallbacks").u64("Lookups")
            .u64("LookupFailures").u64("CacheHits").u64("CacheMisses").u64("GuardSkips")
            .u64("SelfTestTouches").u64("Reregistrations").u32("MaxNestingDepth").u32("MinRemainingStack")
            .u32("Loads").u32("Reserved").u64("NestedPagingFileIo").u64("NestedImageIo").u64("NestedOtherIo")
            .u64("NestingOverflows").u64("SelfTestDepthLimited").u64("CacheEntries").u64("CacheDrops")
            .u64("CreateCallbacks").u64("CachedReadCallbacks").u64("NonCachedReadCallbacks")
            .u64("CachedWriteCallbacks").u64("NonCachedWriteCallbacks")
            .build();

    public static final StructLayout QUERY_XID_REQUEST = StructLayout.struct("XF_QUERY_XID_REQUEST")
            .u32("Size").u32("Version").u64("ProcessId").u32("Mode").u32("Reserved")
            .build();

    public static final StructLayout QUERY_XID_RESPONSE = StructLayout.struct("XF_QUERY_XID_RESPONSE")
            .u32("Size").u32("Version").u64("ProcessId").u64("Xid").u64("CreateTime").u32("Mode")
            .u32("Status")
            .build();

    /** Every struct of the contract, for the ABI test. */
    public static final java.util.List<StructLayout> ALL_STRUCTS = java.util.List.of(
            CONFIG, INFO, SET_CONFIG_REQUEST, SET_CONFIG_RESPONSE, STATS, QUERY_XID_REQUEST, QUERY_XID_RESPONSE);

    private Wire() {
    }
}
