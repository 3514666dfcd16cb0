package dev.xidlab.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.device.DeviceException;
import dev.xidlab.device.IoctlDevice;
import dev.xidlab.device.KernelModel;
import dev.xidlab.protocol.ApplyMode;
import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.protocol.DriverInfo;
import dev.xidlab.protocol.DriverState;
import dev.xidlab.protocol.Ioctl;
import dev.xidlab.protocol.NtStatus;
import dev.xidlab.protocol.Operation;
import dev.xidlab.protocol.RegistrationFlag;
import dev.xidlab.protocol.SetConfigResult;
import dev.xidlab.testing.ModelMachine;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * xidfilter's unload and re-registration rules, driven through the kernel model, which runs the driver's own core:
 * fltmc unload is refused while a handle is open on \\.\XidFilter; sc stop is not, and a handle that outlives it
 * gets STATUS_DELETE_PENDING; a failed live re-registration leaves the filter registered with its previous flags.
 */
class DriverUnloadTest {

    static final byte[] NONE = new byte[0];

    @RegisterExtension
    final ModelMachine machine = ModelMachine.withTheDriverLoaded();

    DriverInfo info() {
        byte[] answer = machine.model().deviceIoControl(Ioctl.GET_INFO.code(), NONE, Ioctl.GET_INFO.outputSize());
        return DriverInfo.decode(answer);
    }

    @Test
    void fltmcUnloadIsRefusedWhileAHandleIsOpen() {
        long handle = machine.model().openDevice();

        DeviceException refused = assertThrows(DeviceException.class, machine.model()::unloadDriver);

        assertEquals(NtStatus.FLT_DO_NOT_DETACH, refused.ntStatus());
        assertTrue(info().state().contains(DriverState.FILTER_REGISTERED), "still loaded and filtering");
        machine.model().deviceIoControl(handle, Ioctl.RESET_STATS.code(), NONE, 0);
    }

    @Test
    void fltmcUnloadSucceedsOnceTheLastHandleCloses() {
        long handle = machine.model().openDevice();
        machine.model().closeDevice(handle);

        machine.model().unloadDriver();

        DeviceException gone = assertThrows(DeviceException.class, this::info);
        assertEquals(KernelModel.OBJECT_NAME_NOT_FOUND, gone.ntStatus());
    }

    @Test
    void aHandleThatOutlivesScStopGetsDeletePendingForEveryRequest() {
        KernelModel model = machine.model();
        long handle = model.openDevice();

        model.stopDriver();

        for (Ioctl ioctl : Set.of(Ioctl.GET_INFO, Ioctl.GET_STATS, Ioctl.RESET_STATS)) {
            DeviceException refused = assertThrows(DeviceException.class,
                    () -> model.deviceIoControl(handle, ioctl.code(), NONE, ioctl.outputSize()), ioctl.name());
            assertEquals(NtStatus.DELETE_PENDING, refused.ntStatus(), ioctl.name());
        }
        model.closeDevice(handle);
    }

    @Test
    void theNextLoadWaitsForTheLastHandleOfThePreviousInstance() {
        long handle = machine.model().openDevice();
        machine.model().stopDriver();

        assertThrows(DeviceException.class, machine.model()::loadDriver);
        machine.model().closeDevice(handle);
        machine.model().loadDriver();

        assertEquals(2, info().loadCount());
    }

    @Test
    void aFailedLiveReregistrationRestoresThePreviousFlagsAndReportsBothStatuses() {
        DriverConfig skip = DriverConfig.fieldDefault()
                .withRegistration(Operation.READ, Set.of(RegistrationFlag.SKIP_PAGING_IO));
        machine.model().failNextRegistration(NtStatus.INSUFFICIENT_RESOURCES);

        SetConfigResult result = machine.device().setConfig(skip, ApplyMode.LIVE_REREGISTER);

        assertEquals(NtStatus.INSUFFICIENT_RESOURCES, result.reregisterStatus());
        assertEquals(NtStatus.SUCCESS, result.restoreStatus());
        assertTrue(result.restored() && result.saved() && result.reloadRequired());
        assertFalse(result.reregistered());
        DriverInfo info = machine.device().info();
        assertTrue(info.state().containsAll(Set.of(DriverState.FILTER_REGISTERED, DriverState.FILTERING_STARTED)));
        assertEquals(Set.of(), info.activeRegistration().get(Operation.READ));
        assertEquals(0, machine.device().stats().reregistrations());
    }

    @Test
    void afterARestoredReregistrationFltmcUnloadStillFindsTheFilter() {
        machine.model().failNextRegistration(NtStatus.INSUFFICIENT_RESOURCES);
        IoctlDevice device = machine.device();
        device.setConfig(DriverConfig.fieldDefault().withRegistrationForAll(Set.of(RegistrationFlag.SKIP_PAGING_IO)),
                ApplyMode.LIVE_REREGISTER);

        device.reload();

        assertEquals(Set.of(RegistrationFlag.SKIP_PAGING_IO), device.info().activeRegistration().get(Operation.READ));
    }
}
