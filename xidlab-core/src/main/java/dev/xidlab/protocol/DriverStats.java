package dev.xidlab.protocol;

/**
 * XF_STATS: the driver's telemetry. {@code minRemainingStack} is -1 before the first callback. The nested*Io
 * counters split nested paging-I/O callbacks by the file the I/O was for (the paging file, the driver's own image,
 * any other file); {@code cacheEntries} is a gauge, the rest count since the last reset. The last five split the
 * callbacks that are not paging I/O by kind (a create; a read or write, cached or with IRP_NOCACHE), so a fix that
 * stops seeing a whole kind shows even when that kind is a small share of the load.
 */
public record DriverStats(
        long callbacks,
        long pagingIoCallbacks,
        long lookups,
        long lookupFailures,
        long cacheHits,
        long cacheMisses,
        long guardSkips,
        long selfTestTouches,
        long reregistrations,
        int maxNestingDepth,
        int minRemainingStack,
        long loads,
        long nestedPagingFileIo,
        long nestedImageIo,
        long nestedOtherIo,
        long nestingOverflows,
        long selfTestDepthLimited,
        long cacheEntries,
        long cacheDrops,
        long createCallbacks,
        long cachedReadCallbacks,
        long nonCachedReadCallbacks,
        long cachedWriteCallbacks,
        long nonCachedWriteCallbacks) {

    public boolean stackSeen() {
        return minRemainingStack >= 0;
    }

    public static DriverStats decode(byte[] bytes) {
        WireReader r = new WireReader(Wire.STATS, bytes);
        int minStack = r.u32("MinRemainingStack");
        return new DriverStats(r.u64("Callbacks"), r.u64("PagingIoCallbacks"), r.u64("Lookups"),
                r.u64("LookupFailures"), r.u64("CacheHits"), r.u64("CacheMisses"), r.u64("GuardSkips"),
                r.u64("SelfTestTouches"), r.u64("Reregistrations"), r.u32("MaxNestingDepth"),
                minStack == Wire.STACK_NOT_SEEN ? -1 : minStack, Integer.toUnsignedLong(r.u32("Loads")),
                r.u64("NestedPagingFileIo"), r.u64("NestedImageIo"), r.u64("NestedOtherIo"),
                r.u64("NestingOverflows"), r.u64("SelfTestDepthLimited"), r.u64("CacheEntries"),
                r.u64("CacheDrops"), r.u64("CreateCallbacks"), r.u64("CachedReadCallbacks"),
                r.u64("NonCachedReadCallbacks"), r.u64("CachedWriteCallbacks"), r.u64("NonCachedWriteCallbacks"));
    }
}
