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
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * xidfilter's unload and re-registration rules, driven through the kernel model, which runs the driver's own core:
 * fltmc unload is refused while a handle is open on \\.\XidFilter; sc stop is not, and a handle that outlives it
 * gets STATUS_DELETE_PENDING; a failed live re-registration leaves the filter registered with its previous flags.
 */
class DriverUnloadTest {

    static final byte[] NONE = new byte[0];

    @TempDir
    Path dumps;

    LoadedModel machine;
    KernelModel model;
    IoctlDevice device;

    @BeforeEach
    void bootWithTheDriverLoaded() {
        machine = LoadedModel.boot(dumps);
        model = machine.model();
        device = machine.device();
    }

    @AfterEach
    void close() {
        if (machine != null) {
            machine.close();
        }
    }

    DriverInfo info() {
        return DriverInfo.decode(model.deviceIoControl(Ioctl.GET_INFO.code(), NONE, Ioctl.GET_INFO.outputSize()));
    }

    @Test
    void fltmcUnloadIsRefusedWhileAHandleIsOpen() {
        long handle = model.openDevice();

        DeviceException refused = assertThrows(DeviceException.class, model::unloadDriver);

        assertEquals(NtStatus.FLT_DO_NOT_DETACH, refused.ntStatus());
        assertTrue(info().state().contains(DriverState.FILTER_REGISTERED), "still loaded and filtering");
        model.deviceIoControl(handle, Ioctl.RESET_STATS.code(), NONE, 0);
    }

    @Test
    void fltmcUnloadSucceedsOnceTheLastHandleCloses() {
        long handle = model.openDevice();
        model.closeDevice(handle);

        model.unloadDriver();

        DeviceException gone = assertThrows(DeviceException.class, this::info);
        assertEquals(KernelModel.OBJECT_NAME_NOT_FOUND, gone.ntStatus());
    }

    @Test
    void aHandleThatOutlivesScStopGetsDeletePendingForEveryRequest() {
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
        long handle = model.openDevice();
        model.stopDriver();

        assertThrows(DeviceException.class, model::loadDriver);
        model.closeDevice(handle);
        model.loadDriver();

        assertEquals(2, info().loadCount());
    }

    @Test
    void aFailedLiveReregistrationRestoresThePreviousFlagsAndReportsBothStatuses() {
        DriverConfig skip = DriverConfig.fieldDefault()
                .withRegistration(Operation.READ, Set.of(RegistrationFlag.SKIP_PAGING_IO));
        model.failNextRegistration(NtStatus.INSUFFICIENT_RESOURCES);

        SetConfigResult result = device.setConfig(skip, ApplyMode.LIVE_REREGISTER);

        assertEquals(NtStatus.INSUFFICIENT_RESOURCES, result.reregisterStatus());
        assertEquals(NtStatus.SUCCESS, result.restoreStatus());
        assertTrue(result.restored() && result.saved() && result.reloadRequired());
        assertFalse(result.reregistered());
        DriverInfo info = device.info();
        assertTrue(info.state().containsAll(Set.of(DriverState.FILTER_REGISTERED, DriverState.FILTERING_STARTED)));
        assertEquals(Set.of(), info.activeRegistration().get(Operation.READ));
        assertEquals(0, device.stats().reregistrations());
    }

    @Test
    void afterARestoredReregistrationFltmcUnloadStillFindsTheFilter() {
        model.failNextRegistration(NtStatus.INSUFFICIENT_RESOURCES);
        device.setConfig(DriverConfig.fieldDefault().withRegistrationForAll(Set.of(RegistrationFlag.SKIP_PAGING_IO)),
                ApplyMode.LIVE_REREGISTER);

        device.reload();

        assertEquals(Set.of(RegistrationFlag.SKIP_PAGING_IO), device.info().activeRegistration().get(Operation.READ));
    }
}
