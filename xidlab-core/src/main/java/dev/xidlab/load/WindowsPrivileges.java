package dev.xidlab.load;

import com.sun.jna.Native;
import com.sun.jna.platform.win32.Advapi32;
import com.sun.jna.platform.win32.Kernel32;
import com.sun.jna.platform.win32.WinNT;

/**
 * Enables privileges in this process's token, and says when one is not there: AdjustTokenPrivileges succeeds for a
 * privilege the token does not hold and only GetLastError tells (ERROR_NOT_ALL_ASSIGNED), which jna-platform's
 * helper does not check. A pressure step without its privilege does nothing but return an error status.
 */
final class WindowsPrivileges {

    static final int ERROR_NOT_ALL_ASSIGNED = 1300;

    private WindowsPrivileges() {
    }

    /** @throws IllegalStateException naming the privilege the process lacks, and how to get it */
    static void enable(String privilege) {
        WinNT.HANDLEByReference token = new WinNT.HANDLEByReference();
        if (!Advapi32.INSTANCE.OpenProcessToken(Kernel32.INSTANCE.GetCurrentProcess(),
                WinNT.TOKEN_ADJUST_PRIVILEGES | WinNT.TOKEN_QUERY, token)) {
            throw new IllegalStateException("cannot open this process's token (error " + Native.getLastError() + ")");
        }
        try {
            WinNT.LUID luid = new WinNT.LUID();
            if (!Advapi32.INSTANCE.LookupPrivilegeValue(null, privilege, luid)) {
                throw new IllegalStateException("unknown privilege " + privilege + " (error " + Native.getLastError() + ")");
            }
            WinNT.TOKEN_PRIVILEGES wanted = new WinNT.TOKEN_PRIVILEGES(1);
            wanted.Privileges[0] = new WinNT.LUID_AND_ATTRIBUTES(luid, new WinNT.DWORD(WinNT.SE_PRIVILEGE_ENABLED));
            boolean adjusted = Advapi32.INSTANCE.AdjustTokenPrivileges(token.getValue(), false, wanted, 0, null, null);
            int error = Native.getLastError();
            if (!adjusted || error == ERROR_NOT_ALL_ASSIGNED) {
                throw new IllegalStateException(notHeld(privilege, adjusted ? error : Native.getLastError()));
            }
        } finally {
            Kernel32.INSTANCE.CloseHandle(token.getValue());
        }
    }

    static String notHeld(String privilege, int error) {
        return "this process does not hold " + privilege + " (error " + error + "): run the load elevated or as"
                + " SYSTEM (the VM lab runs it as a SYSTEM scheduled task)";
    }
}
