package dev.xidlab.device;

import dev.xidlab.protocol.NtStatus;

/**
 * A device request that failed: the driver answered with an error status, the device could not be opened, or
 * its answer did not decode. {@code win32Error} is what DeviceIoControl's GetLastError gives (or the mapping of
 * the NTSTATUS where the model answers); {@code ntStatus} is 0 when only the Win32 error is known.
 */
public final class DeviceException extends RuntimeException {

    private final int ntStatus;
    private final int win32Error;

    public DeviceException(String message, int ntStatus, int win32Error) {
        super(message);
        this.ntStatus = ntStatus;
        this.win32Error = win32Error;
    }

    public DeviceException(String message) {
        this(message, 0, 0);
    }

    /** A request the driver failed with an NTSTATUS. */
    public static DeviceException failedWith(String request, int ntStatus) {
        return new DeviceException(request + " failed: " + NtStatus.describe(ntStatus), ntStatus,
                NtStatus.toWin32(ntStatus));
    }

    public int ntStatus() {
        return ntStatus;
    }

    public int win32Error() {
        return win32Error;
    }
}
