package dev.xidlab.device;

import java.util.Locale;

/** Opens the device a user names: {@code sim} (the kernel model) or {@code windows} ({@code \\.\XidFilter}). */
public final class Devices {

    public static final String SIM = "sim";
    public static final String WINDOWS = "windows";

    private Devices() {
    }

    /**
     * @throws IllegalArgumentException for an unknown kind (a usage error)
     * @throws DeviceException when the device cannot be opened here (an environment error)
     */
    public static Device open(String kind) {
        return new IoctlDevice(openTransport(kind));
    }

    /** The raw transport of a device, for passing request bytes through unchanged (a lab driving a guest). */
    public static IoctlTransport openTransport(String kind) {
        switch (kind.toLowerCase(Locale.ROOT)) {
            case SIM:
                return SimDevice.openTransport(SimDevice.stateFile());
            case WINDOWS:
                return WindowsTransport.open();
            default:
                throw new IllegalArgumentException("unknown device '" + kind + "' (expected sim or windows)");
        }
    }
}
