package dev.xidlab.device;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;
import com.sun.jna.WString;
import com.sun.jna.platform.win32.Advapi32Util;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinNT;
import com.sun.jna.ptr.IntByReference;
import dev.xidlab.protocol.Wire;

/**
 * The control device of a loaded xidfilter on this Windows machine: {@code CreateFile("\\.\XidFilter")} and
 * {@code DeviceIoControl} with the wire contract's bytes; a reload is FilterUnload/FilterLoad through fltlib.dll,
 * as {@code fltmc unload|load XidFilter} does. Opening needs an elevated (Administrators) process: the device's
 * DACL admits only SYSTEM and Administrators.
 */
public final class WindowsTransport implements IoctlTransport {

    private static final int GENERIC_READ = 0x80000000;
    private static final int GENERIC_WRITE = 0x40000000;
    private static final int OPEN_EXISTING = 3;

    private WinNT.HANDLE handle;

    private WindowsTransport(WinNT.HANDLE handle) {
        this.handle = handle;
    }

    /** Why this machine cannot have the device, or null when it can. */
    public static String unavailableReason() {
        return Platform.isWindows() ? null : "--device windows talks to \\\\.\\XidFilter on Windows; this is "
                + System.getProperty("os.name") + " (use --device sim, or run xidlab inside the Windows machine)";
    }

    public static WindowsTransport open() {
        String reason = unavailableReason();
        if (reason != null) {
            throw new DeviceException(reason);
        }
        return new WindowsTransport(openDevice());
    }

    private static WinNT.HANDLE openDevice() {
        WinNT.HANDLE h = Kernel32.INSTANCE.CreateFile(Wire.USER_DEVICE_PATH, GENERIC_READ | GENERIC_WRITE, 0, null,
                OPEN_EXISTING, 0, null);
        if (WinNT.INVALID_HANDLE_VALUE.equals(h)) {
            int error = Kernel32.INSTANCE.GetLastError();
            String why = switch (error) {
                case 2 -> "the device does not exist: is xidfilter loaded? (fltmc load " + Wire.FILTER_NAME + ")";
                case 5 -> "access denied: run as Administrator (the device admits only SYSTEM and Administrators)";
                default -> "Win32 error " + error;
            };
            throw new DeviceException("cannot open " + Wire.USER_DEVICE_PATH + ": " + why, 0, error);
        }
        return h;
    }

    @Override
    public byte[] call(int code, byte[] input, int outputCapacity) {
        Memory in = input.length == 0 ? null : new Memory(input.length);
        if (in != null) {
            in.write(0, input, 0, input.length);
        }
        Memory out = outputCapacity == 0 ? null : new Memory(outputCapacity);
        IntByReference returned = new IntByReference();
        boolean ok = Kernel32.INSTANCE.DeviceIoControl(live(), code, in, input.length, out, outputCapacity,
                returned, (Pointer) null);
        if (!ok) {
            int error = Kernel32.INSTANCE.GetLastError();
            throw new DeviceException(String.format("IOCTL 0x%08X failed: Win32 error %d", code, error), 0, error);
        }
        return out == null ? new byte[0] : out.getByteArray(0, returned.getValue());
    }

    @Override
    public void reloadFilter() {
        close();
        FilterManagerLibrary fltlib = Native.load("fltlib", FilterManagerLibrary.class);
        try (Advapi32Util.Privilege privilege = new Advapi32Util.Privilege("SeLoadDriverPrivilege")) {
            privilege.enable();
            int unload = fltlib.FilterUnload(new WString(Wire.FILTER_NAME));
            if (unload < 0) {
                throw new DeviceException(String.format("FilterUnload(%s) failed: HRESULT 0x%08X", Wire.FILTER_NAME,
                        unload));
            }
            int load = fltlib.FilterLoad(new WString(Wire.FILTER_NAME));
            if (load < 0) {
                throw new DeviceException(String.format("FilterLoad(%s) failed: HRESULT 0x%08X", Wire.FILTER_NAME,
                        load));
            }
        }
        handle = openDevice();
    }

    @Override
    public String describe() {
        return "windows " + Wire.USER_DEVICE_PATH;
    }

    @Override
    public void close() {
        if (handle != null) {
            Kernel32.INSTANCE.CloseHandle(handle);
            handle = null;
        }
    }

    private WinNT.HANDLE live() {
        if (handle == null) {
            throw new DeviceException(Wire.USER_DEVICE_PATH + " is closed");
        }
        return handle;
    }
}
