package dev.xidlab.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WireCodecTest {

    private static final DriverConfig FIX = DriverConfig.fieldDefault()
            .withRegistration(Operation.READ, Set.of(RegistrationFlag.SKIP_PAGING_IO))
            .withGuard(Set.of(GuardFlag.NESTING, GuardFlag.LOW_STACK), 0x1000)
            .withXidMode(XidMode.CACHED)
            .withSelfTest(true);

    @Test
    void configSurvivesARoundTrip() {
        assertEquals(FIX, DriverConfig.decode(FIX.encode()));
    }

    @Test
    void configIsLittleEndianAtTheHeaderOffsets() {
        ByteBuffer b = ByteBuffer.wrap(FIX.encode()).order(ByteOrder.LITTLE_ENDIAN);

        assertEquals(40, b.getInt(0), "Size");
        assertEquals(1, b.getInt(4), "Version");
        assertEquals(3, b.getInt(8), "XidMode cached");
        assertEquals(3, b.getInt(12), "GuardFlags nesting|low-stack");
        assertEquals(0x1000, b.getInt(16), "GuardStackThreshold");
        assertEquals(1, b.getInt(20), "SelfTest");
        assertEquals(0, b.getInt(24), "OperationFlags[create]");
        assertEquals(1, b.getInt(28), "OperationFlags[read] = SKIP_PAGING_IO");
        assertEquals(0, b.getInt(32), "OperationFlags[write]");
        assertEquals(0, b.getInt(36), "Reserved");
    }

    @Test
    void setConfigRequestNestsTheConfigAfterItsHeader() {
        byte[] request = new SetConfigRequest(ApplyMode.LIVE_REREGISTER, FIX).encode();

        assertEquals(56, request.length);
        assertEquals(1, request[8], "Apply");
        assertArrayEquals(FIX.encode(), Arrays.copyOfRange(request, 16, 56));
    }

    @Test
    void xidQueryForTheCurrentModeSendsTheSentinel() {
        ByteBuffer b = ByteBuffer.wrap(new XidQuery(1234, null).encode()).order(ByteOrder.LITTLE_ENDIAN);

        assertEquals(1234L, b.getLong(8));
        assertEquals(0xFFFFFFFF, b.getInt(16));
    }

    @Test
    void shortBufferNamesTheStructAndBothSizes() {
        WireFormatException e = assertThrows(WireFormatException.class,
                () -> DriverStats.decode(new byte[64]));

        assertEquals("XF_STATS: short buffer of 64 bytes, expected 192", e.getMessage());
    }

    /** Why DriverConfig.decode refuses FIX's bytes with the byte at offset set to value. */
    private static String refusalOfFixWith(int offset, int value) {
        byte[] bytes = FIX.encode();
        bytes[offset] = (byte) value;
        return assertThrows(WireFormatException.class, () -> DriverConfig.decode(bytes)).getMessage();
    }

    @Test
    void wrongSizeFieldIsRefused() {
        assertEquals("XF_CONFIG: Size field says 36, expected 40", refusalOfFixWith(0, 36));
    }

    @Test
    void wrongVersionIsRefusedAsAProtocolMismatch() {
        String refusal = refusalOfFixWith(4, 2);

        assertTrue(refusal.startsWith("XF_CONFIG: Version 2, expected 1"), refusal);
    }

    @Test
    void unknownRegistrationBitsAreRefusedWithTheirValue() {
        assertEquals("XF_CONFIG.OperationFlags[1]: unknown flag bits 0x10",
                refusalOfFixWith(Wire.CONFIG.offset("OperationFlags") + 4, 0x11));
    }

    @Test
    void unknownXidModeIsRefused() {
        assertEquals("XF_CONFIG.XidMode: unknown value 9", refusalOfFixWith(Wire.CONFIG.offset("XidMode"), 9));
    }

    @Test
    void statsMapTheStackSentinelToNotSeen() {
        ByteBuffer b = ByteBuffer.allocate(Wire.STATS.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, Wire.STATS.size()).putInt(4, 1).putLong(8, 7).putInt(Wire.STATS.offset("MinRemainingStack"), -1);

        DriverStats stats = DriverStats.decode(b.array());

        assertEquals(7, stats.callbacks());
        assertFalse(stats.stackSeen());
    }

    @Test
    void statsCarryTheNestedIoSplitAndTheCountersThatWereNeverReported() {
        ByteBuffer b = ByteBuffer.allocate(Wire.STATS.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, Wire.STATS.size()).putInt(4, 1)
                .putLong(Wire.STATS.offset("NestedPagingFileIo"), 11).putLong(Wire.STATS.offset("NestedImageIo"), 12)
                .putLong(Wire.STATS.offset("NestedOtherIo"), 13).putLong(Wire.STATS.offset("NestingOverflows"), 14)
                .putLong(Wire.STATS.offset("SelfTestDepthLimited"), 15).putLong(Wire.STATS.offset("CacheEntries"), 16)
                .putLong(Wire.STATS.offset("CacheDrops"), 17);

        DriverStats stats = DriverStats.decode(b.array());

        assertEquals(List.of(11L, 12L, 13L, 14L, 15L, 16L, 17L), List.of(stats.nestedPagingFileIo(),
                stats.nestedImageIo(), stats.nestedOtherIo(), stats.nestingOverflows(), stats.selfTestDepthLimited(),
                stats.cacheEntries(), stats.cacheDrops()));
    }

    @Test
    void statsSplitTheCallbacksThatAreNotPagingIoByKind() {
        ByteBuffer b = ByteBuffer.allocate(Wire.STATS.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, Wire.STATS.size()).putInt(4, 1)
                .putLong(Wire.STATS.offset("CreateCallbacks"), 21).putLong(Wire.STATS.offset("CachedReadCallbacks"), 22)
                .putLong(Wire.STATS.offset("NonCachedReadCallbacks"), 23)
                .putLong(Wire.STATS.offset("CachedWriteCallbacks"), 24)
                .putLong(Wire.STATS.offset("NonCachedWriteCallbacks"), 25);

        DriverStats stats = DriverStats.decode(b.array());

        assertEquals(List.of(21L, 22L, 23L, 24L, 25L), List.of(stats.createCallbacks(), stats.cachedReadCallbacks(),
                stats.nonCachedReadCallbacks(), stats.cachedWriteCallbacks(), stats.nonCachedWriteCallbacks()));
    }

    @Test
    void aFailedLiveReregistrationReportsBothStatuses() {
        ByteBuffer b = ByteBuffer.allocate(Wire.SET_CONFIG_RESPONSE.size()).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, Wire.SET_CONFIG_RESPONSE.size()).putInt(4, 1)
                .putInt(Wire.SET_CONFIG_RESPONSE.offset("ResultFlags"),
                        SetConfigResultFlag.SAVED.wireValue() | SetConfigResultFlag.RESTORED.wireValue())
                .putInt(Wire.SET_CONFIG_RESPONSE.offset("ReregisterStatus"), NtStatus.INSUFFICIENT_RESOURCES);

        SetConfigResult result = SetConfigResult.decode(b.array());

        assertFalse(result.reregistered());
        assertTrue(result.restored());
        assertEquals(NtStatus.INSUFFICIENT_RESOURCES, result.reregisterStatus());
        assertEquals(NtStatus.SUCCESS, result.restoreStatus());
    }

    @Test
    void infoFromADriverOfAnotherProtocolIsRefused() {
        ByteBuffer b = ByteBuffer.allocate(56).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 56).putInt(4, 1).putInt(8, 1).putInt(16, 1);

        WireFormatException e = assertThrows(WireFormatException.class, () -> DriverInfo.decode(b.array()));

        assertEquals("XF_INFO: driver speaks protocol 1, this controller speaks " + Wire.PROTOCOL_VERSION,
                e.getMessage());
    }

    @Test
    void ioctlCodesAreBufferedVendorCodesWithTheirAccess() {
        for (Ioctl ioctl : Ioctl.values()) {
            int code = ioctl.code();
            assertEquals(0x8A1D, code >>> 16, ioctl + " device type");
            assertEquals(0, code & 3, ioctl + " METHOD_BUFFERED");
            assertTrue(((code >>> 2) & 0xFFF) >= 0x800, ioctl + " function code");
        }
        assertEquals(0x8A1D6000, Ioctl.GET_INFO.code());
        assertEquals(0x8A1DA008, Ioctl.SET_CONFIG.code());
    }

    @Test
    void configRefusesAStackThresholdOutsideTheDriversRange() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> DriverConfig.fieldDefault().withGuard(Set.of(GuardFlag.LOW_STACK), 100));

        assertTrue(e.getMessage().contains("1024..20480"), e.getMessage());
    }

    @Test
    void labelsParseWhatUsersTypeAndNameTheChoicesOtherwise() {
        assertEquals(Set.of(RegistrationFlag.SKIP_PAGING_IO, RegistrationFlag.SKIP_CACHED_IO),
                Labels.parseSet(RegistrationFlag.class, "skip-paging-io,SKIP_CACHED_IO", "flag"));
        assertEquals(Set.of(), Labels.parseSet(RegistrationFlag.class, "none", "flag"));

        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Labels.parse(XidMode.class, "lokup", "Xid mode"));
        assertEquals("unknown Xid mode 'lokup' (expected one of: off, lookup, requestor, cached)", e.getMessage());
    }

    @Test
    void layoutRefusesAFieldThatWouldNeedPadding() {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> StructLayout.struct("BAD").u32("Size").u64("Misaligned").build());

        assertTrue(e.getMessage().contains("BAD.Misaligned"), e.getMessage());
    }
}
