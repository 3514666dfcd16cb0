package dev.xidlab.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.ptr.IntByReference;
import dev.xidlab.protocol.ApplyMode;
import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.protocol.Wire;
import dev.xidlab.protocol.XidMode;
import org.junit.jupiter.api.Test;

/**
 * The Windows device. On Linux: it is refused with its reason, and the native functions it binds have the
 * documented signatures. On a Windows machine with xidfilter loaded and an elevated test run: every request for
 * real.
 */
class WindowsDeviceTest {

    @Test
    void elsewhereThanWindowsTheDeviceIsRefusedWithTheReason() {
        assumeTrue(!Platform.isWindows(), "this is Windows: the refusal does not apply");

        DeviceException e = assertThrows(DeviceException.class, () -> Devices.open(Devices.WINDOWS));

        assertTrue(e.getMessage().contains("use --device sim"), e.getMessage());
    }

    @Test
    void deviceIoControlIsBoundWithItsDocumentedParameters() throws Exception {
        // BOOL DeviceIoControl(HANDLE, DWORD, LPVOID, DWORD, LPVOID, DWORD, LPDWORD, LPOVERLAPPED)
        assertEquals(boolean.class, Kernel32.class.getMethod("DeviceIoControl", WinNT.HANDLE.class, int.class,
                Pointer.class, int.class, Pointer.class, int.class, IntByReference.class, Pointer.class)
                .getReturnType());
    }

    @Test
    void fltlibIsBoundWithItsDocumentedParameters() throws Exception {
        // HRESULT FilterLoad(LPCWSTR) and FilterUnload(LPCWSTR)
        assertEquals(int.class, FilterManagerLibrary.class.getMethod("FilterLoad", WString.class).getReturnType());
        assertEquals(int.class, FilterManagerLibrary.class.getMethod("FilterUnload", WString.class).getReturnType());
    }

    @Test
    void theDevicePathIsTheOneTheDriverLinks() {
        assertEquals("\\\\.\\XidFilter", Wire.USER_DEVICE_PATH);
    }

    @Test
    void onWindowsEveryRequestRoundTripsThroughTheLoadedDriver() {
        assumeTrue(Platform.isWindows(), "needs Windows with xidfilter loaded and an elevated test run");
        Device device;
        try {
            device = Devices.open(Devices.WINDOWS);
        } catch (DeviceException e) {
            assumeTrue(false, "xidfilter is not loaded or the test is not elevated: " + e.getMessage());
            return;
        }
        try (device) {
            DriverConfig before = device.config();
            device.setConfig(before.withXidMode(XidMode.REQUESTOR), ApplyMode.NEXT_LOAD);
            assertEquals(XidMode.REQUESTOR, device.config().xidMode());
            assertTrue(device.queryXid(0, XidMode.LOOKUP).computed());
            assertEquals(device.queryXid(0, XidMode.LOOKUP).xid(), device.queryXid(0, XidMode.REQUESTOR).xid());
            device.resetStats();
            assertTrue(device.stats().loads() >= 1);
            device.setConfig(before, ApplyMode.NEXT_LOAD);
        }
    }
}
