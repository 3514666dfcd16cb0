package dev.xidlab.stress;

import com.sun.jna.Native;
import com.sun.jna.platform.win32.Advapi32Util;
import com.sun.jna.ptr.IntByReference;
import com.sun.jna.win32.StdCallLibrary;

/**
 * NtSetSystemInformation(SystemMemoryListInformation, ...): what RAMMap's "Empty" menu does. Emptying working
 * sets and purging the standby list pushes pageable kernel memory (the CID table's pages among it) out to the
 * pagefile, so the next touch is a hard fault. Needs SeProfileSingleProcessPrivilege (an elevated process).
 */
public enum MemoryListCommand {
    EMPTY_WORKING_SETS(2),
    FLUSH_MODIFIED_LIST(3),
    PURGE_STANDBY_LIST(4);

    private static final int SYSTEM_MEMORY_LIST_INFORMATION = 80;

    private final int command;

    MemoryListCommand(int command) {
        this.command = command;
    }

    interface Ntdll extends StdCallLibrary {
        int NtSetSystemInformation(int systemInformationClass, IntByReference information, int length);
    }

    /** Issues the command; returns the NTSTATUS (negative on failure). */
    public int issue() {
        Ntdll ntdll = Native.load("ntdll", Ntdll.class);
        try (Advapi32Util.Privilege privilege = new Advapi32Util.Privilege("SeProfileSingleProcessPrivilege")) {
            privilege.enable();
            return ntdll.NtSetSystemInformation(SYSTEM_MEMORY_LIST_INFORMATION, new IntByReference(command), 4);
        }
    }
}
