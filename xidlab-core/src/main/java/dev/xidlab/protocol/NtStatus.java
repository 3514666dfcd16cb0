package dev.xidlab.protocol;

import java.util.Map;

/** The NTSTATUS values the driver answers with, their names and the Win32 errors user mode sees for them. */
public final class NtStatus {

    public static final int SUCCESS = 0x00000000;
    public static final int INVALID_CID = 0xC000000B;
    public static final int INVALID_PARAMETER = 0xC000000D;
    public static final int INVALID_DEVICE_REQUEST = 0xC0000010;
    public static final int BUFFER_TOO_SMALL = 0xC0000023;
    public static final int ACCESS_DENIED = 0xC0000022;
    public static final int INSUFFICIENT_RESOURCES = 0xC000009A;
    public static final int NOT_SUPPORTED = 0xC00000BB;
    public static final int NOT_FOUND = 0xC0000225;
    public static final int DELETE_PENDING = 0xC0000056;
    public static final int FLT_DO_NOT_DETACH = 0xC01C0010;

    public static final int ERROR_INVALID_FUNCTION = 1;
    public static final int ERROR_ACCESS_DENIED = 5;
    public static final int ERROR_INVALID_PARAMETER = 87;
    public static final int ERROR_INSUFFICIENT_BUFFER = 122;

    private record Known(String name, int win32) {
    }

    // RtlNtStatusToDosError for the statuses the driver returns.
    // STATUS_FLT_DO_NOT_DETACH is answered to the filter manager, never to DeviceIoControl: it has no Win32 error
    // here (fltlib's FilterUnload reports it as an HRESULT).
    private static final Map<Integer, Known> KNOWN = Map.ofEntries(
            Map.entry(SUCCESS, new Known("STATUS_SUCCESS", 0)),
            Map.entry(INVALID_CID, new Known("STATUS_INVALID_CID", ERROR_INVALID_PARAMETER)),
            Map.entry(INVALID_PARAMETER, new Known("STATUS_INVALID_PARAMETER", ERROR_INVALID_PARAMETER)),
            Map.entry(INVALID_DEVICE_REQUEST, new Known("STATUS_INVALID_DEVICE_REQUEST", ERROR_INVALID_FUNCTION)),
            Map.entry(BUFFER_TOO_SMALL, new Known("STATUS_BUFFER_TOO_SMALL", ERROR_INSUFFICIENT_BUFFER)),
            Map.entry(ACCESS_DENIED, new Known("STATUS_ACCESS_DENIED", ERROR_ACCESS_DENIED)),
            Map.entry(INSUFFICIENT_RESOURCES, new Known("STATUS_INSUFFICIENT_RESOURCES", 1450)),
            Map.entry(NOT_SUPPORTED, new Known("STATUS_NOT_SUPPORTED", 50)),
            Map.entry(NOT_FOUND, new Known("STATUS_NOT_FOUND", 1168)),
            Map.entry(DELETE_PENDING, new Known("STATUS_DELETE_PENDING", ERROR_ACCESS_DENIED)),
            Map.entry(FLT_DO_NOT_DETACH, new Known("STATUS_FLT_DO_NOT_DETACH", -1)));

    private NtStatus() {
    }

    public static boolean isSuccess(int status) {
        return status >= 0;
    }

    /** "0xC000000D STATUS_INVALID_PARAMETER", or just the number when it is not one of the driver's. */
    public static String describe(int status) {
        Known known = KNOWN.get(status);
        String hex = String.format("0x%08X", status);
        return known == null ? hex : hex + " " + known.name();
    }

    /** The Win32 error DeviceIoControl reports for this status; -1 when it is not one the driver returns. */
    public static int toWin32(int status) {
        Known known = KNOWN.get(status);
        return known == null ? -1 : known.win32();
    }
}
