package dev.xidlab.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.protocol.ApplyMode;
import dev.xidlab.protocol.BuildFlavor;
import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.protocol.DriverState;
import dev.xidlab.protocol.GuardFlag;
import dev.xidlab.protocol.Ioctl;
import dev.xidlab.protocol.NtStatus;
import dev.xidlab.protocol.Operation;
import dev.xidlab.protocol.RegistrationFlag;
import dev.xidlab.protocol.SetConfigRequest;
import dev.xidlab.protocol.Wire;
import dev.xidlab.protocol.XidAnswer;
import dev.xidlab.protocol.XidMode;
import dev.xidlab.testing.ModelMachine;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The driver's own IOCTL handling, reached through the kernel model with the same bytes as on Windows. */
class SimDeviceTest {

    @RegisterExtension
    final ModelMachine machine = ModelMachine.withTheDriverLoaded();

    @Test
    void infoNamesTheModelBuildAndItsRegistration() {
        var info = machine.device().info();

        assertEquals(BuildFlavor.MODEL, info.buildFlavor());
        assertEquals(Wire.PROTOCOL_VERSION, info.protocolVersion());
        assertTrue(info.state().containsAll(Set.of(DriverState.FILTER_REGISTERED, DriverState.FILTERING_STARTED,
                DriverState.PROCESS_NOTIFY)), info.state().toString());
        assertEquals(1, info.loadCount());
    }

    @Test
    void aFreshInstallRunsTheFieldConfiguration() {
        assertEquals(DriverConfig.fieldDefault(), machine.device().config());
    }

    @Test
    void modeAndGuardApplyAtOnceWhileFlagsWaitForTheNextLoad() {
        DriverConfig wanted = DriverConfig.fieldDefault().withXidMode(XidMode.CACHED)
                .withGuard(Set.of(GuardFlag.NESTING), 0)
                .withRegistrationForAll(Set.of(RegistrationFlag.SKIP_PAGING_IO));

        var result = machine.device().setConfig(wanted, ApplyMode.NEXT_LOAD);

        assertTrue(result.saved());
        assertTrue(result.reloadRequired());
        assertEquals(wanted, machine.device().config());
        assertTrue(machine.device().info().reloadPending());
        assertEquals(Set.of(), machine.device().info().activeRegistration().get(Operation.READ));
    }

    @Test
    void aReloadMakesSavedFlagsActive() {
        Device device = machine.device();
        device.setConfig(DriverConfig.fieldDefault().withRegistrationForAll(Set.of(RegistrationFlag.SKIP_PAGING_IO)),
                ApplyMode.NEXT_LOAD);

        device.reload();

        var info = machine.device().info();
        assertEquals(Set.of(RegistrationFlag.SKIP_PAGING_IO), info.activeRegistration().get(Operation.READ));
        assertFalse(info.reloadPending());
        assertEquals(2, info.loadCount());
        assertTrue(info.state().contains(DriverState.CONFIG_FROM_REGISTRY));
    }

    @Test
    void theExperimentalLiveReregistrationAppliesFlagsInPlace() {
        var result = machine.device().setConfig(
                DriverConfig.fieldDefault().withRegistration(Operation.READ, Set.of(RegistrationFlag.SKIP_PAGING_IO)),
                ApplyMode.LIVE_REREGISTER);

        assertTrue(result.reregistered());
        assertEquals(NtStatus.SUCCESS, result.reregisterStatus());
        assertFalse(result.reloadRequired());
        assertEquals(1, machine.device().stats().reregistrations());
    }

    @Test
    void statsStartEmptyAndResetToEmpty() {
        var fresh = machine.device().stats();
        machine.device().resetStats();

        assertEquals(0, fresh.callbacks());
        assertFalse(fresh.stackSeen());
        assertEquals(fresh, machine.device().stats());
    }

    @Test
    void lookupAndRequestorGiveTheCallerTheSameXid() {
        XidAnswer lookup = machine.device().queryXid(0, XidMode.LOOKUP);
        XidAnswer requestor = machine.device().queryXid(0, XidMode.REQUESTOR);

        assertTrue(lookup.computed() && requestor.computed());
        assertEquals(machine.model().controllerProcessId(), lookup.processId());
        assertEquals(lookup.xid(), requestor.xid());
    }

    @Test
    void lookupAndCachedGiveANewProcessTheSameXid() {
        long pid = machine.model().createProcess();

        XidAnswer lookup = machine.device().queryXid(pid, XidMode.LOOKUP);
        XidAnswer cached = machine.device().queryXid(pid, XidMode.CACHED);

        assertTrue(lookup.computed() && cached.computed());
        assertEquals(lookup.xid(), cached.xid());
        assertEquals(lookup.createTime(), cached.createTime());
    }

    @Test
    void anExitedProcessLeavesTheCacheSoAReusedPidIsNotConfused() {
        long pid = machine.model().createProcess();
        long before = machine.device().queryXid(pid, XidMode.CACHED).xid();
        machine.model().exitProcess(pid);

        assertEquals(NtStatus.NOT_FOUND, machine.device().queryXid(pid, XidMode.CACHED).status());
        long reused = machine.model().createProcess();
        assertEquals(pid, reused, "Windows reuses the pid just freed");
        assertTrue(machine.device().queryXid(reused, XidMode.CACHED).xid() != before);
    }

    @Test
    void anUnknownPidIsALookupFailureNotAnIoctlFailure() {
        XidAnswer answer = machine.device().queryXid(40_000, XidMode.LOOKUP);

        assertEquals(NtStatus.INVALID_CID, answer.status());
        assertEquals(0, answer.xid());
    }

    @Test
    void modeOffComputesNoXid() {
        assertEquals(NtStatus.NOT_SUPPORTED, machine.device().queryXid(0, XidMode.OFF).status());
    }

    // ---- bad input: the driver's own code path answers, and nothing changes ----

    private int rawStatus(int code, byte[] input, int outputCapacity) {
        DeviceException e = assertThrows(DeviceException.class,
                () -> machine.model().deviceIoControl(code, input, outputCapacity));
        return e.ntStatus();
    }

    private byte[] validSetConfig() {
        return new SetConfigRequest(ApplyMode.NEXT_LOAD, DriverConfig.fieldDefault().withXidMode(XidMode.OFF)).encode();
    }

    @Test
    void aShortOutputBufferIsBufferTooSmall() {
        assertEquals(NtStatus.BUFFER_TOO_SMALL, rawStatus(Ioctl.GET_STATS.code(), new byte[0], 95));
    }

    @Test
    void aShortInputIsBufferTooSmallAndChangesNothing() {
        assertEquals(NtStatus.BUFFER_TOO_SMALL,
                rawStatus(Ioctl.SET_CONFIG.code(), Arrays.copyOf(validSetConfig(), 55), 24));
        assertEquals(DriverConfig.fieldDefault(), machine.device().config());
    }

    /** SET_CONFIG requests that are wrong in one field each; the valid one is {@link #validSetConfig()}. */
    static Stream<Named<UnaryOperator<byte[]>>> malformedSetConfigs() {
        return Stream.of(
                Named.of("an oversized input", r -> Arrays.copyOf(r, 64)),
                Named.of("a wrong version", r -> withInt(r, 4, 2)),
                Named.of("a wrong nested config size", r -> withInt(r, 16, 36)),
                Named.of("an unknown mode", r -> withInt(r, 16 + Wire.CONFIG.offset("XidMode"), 7)),
                Named.of("unknown registration bits", r -> withInt(r, 16 + Wire.CONFIG.offset("OperationFlags") + 8,
                        0x10)));
    }

    private static byte[] withInt(byte[] request, int offset, int value) {
        ByteBuffer.wrap(request).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
        return request;
    }

    @ParameterizedTest(name = "{0} is invalid parameter and changes nothing")
    @MethodSource("malformedSetConfigs")
    void aMalformedSetConfigIsInvalidParameterAndChangesNothing(UnaryOperator<byte[]> malformed) {
        byte[] request = malformed.apply(validSetConfig());

        assertEquals(NtStatus.INVALID_PARAMETER, rawStatus(Ioctl.SET_CONFIG.code(), request, 24));
        assertEquals(DriverConfig.fieldDefault(), machine.device().config());
    }

    @Test
    void anUnknownIoctlIsInvalidDeviceRequest() {
        int unknown = (Wire.DEVICE_TYPE << 16) | (1 << 14) | (0x8FF << 2);

        assertEquals(NtStatus.INVALID_DEVICE_REQUEST, rawStatus(unknown, new byte[0], 16));
    }

    @Test
    void aRequestWithoutInputThatGetsInputIsInvalidParameter() {
        assertEquals(NtStatus.INVALID_PARAMETER, rawStatus(Ioctl.GET_INFO.code(), new byte[4], 56));
    }

    @Test
    void aRequestToAnUnloadedDriverFindsNoDevice() {
        machine.model().unloadDriver();

        DeviceException e = assertThrows(DeviceException.class, () -> machine.device().info());
        assertEquals(KernelModel.OBJECT_NAME_NOT_FOUND, e.ntStatus());
    }
}
