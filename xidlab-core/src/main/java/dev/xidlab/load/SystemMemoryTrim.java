package dev.xidlab.load;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.win32.StdCallLibrary;

/**
 * What the pressure asks of the memory manager through NtSetSystemInformation, each step's NTSTATUS checked:
 * emptying every working set, writing the modified list out, purging the standby list (SystemMemoryListInformation,
 * class 80, what RAMMap's "Empty" menu does; SeProfileSingleProcessPrivilege), and trimming the paged pool's own
 * working set (SystemPagedPoolInformationEx, class 119, with a SYSTEM_FILECACHE_INFORMATION whose minimum and
 * maximum are (SIZE_T)-1; SeIncreaseQuotaPrivilege; both documented in the phnt headers). The CID handle table
 * lives in paged pool: after these, the next touch of a page of it is a hard fault served by paging I/O.
 */
public enum SystemMemoryTrim {
    EMPTY_WORKING_SETS(80, 2),
    FLUSH_MODIFIED_LIST(80, 3),
    PURGE_STANDBY_LIST(80, 4),
    TRIM_PAGED_POOL(119, -1);

    /** sizeof(SYSTEM_FILECACHE_INFORMATION) on x64, and where MinimumWorkingSet and MaximumWorkingSet are. */
    static final int FILECACHE_SIZE = 64;
    static final int MINIMUM_WORKING_SET = 0x18;
    static final int MAXIMUM_WORKING_SET = 0x20;

    private final int informationClass;
    private final int command;

    SystemMemoryTrim(int informationClass, int command) {
        this.informationClass = informationClass;
        this.command = command;
    }

    interface Ntdll extends StdCallLibrary {
        int NtSetSystemInformation(int systemInformationClass, Pointer information, int length);
    }

    /** The privilege each step needs. */
    public String privilege() {
        return informationClass == 119 ? "SeIncreaseQuotaPrivilege" : "SeProfileSingleProcessPrivilege";
    }

    /** The information buffer of this step, as NtSetSystemInformation reads it. */
    byte[] information() {
        if (informationClass == 80) {
            return new byte[] {(byte) command, 0, 0, 0};
        }
        byte[] cache = new byte[FILECACHE_SIZE];
        java.util.Arrays.fill(cache, MINIMUM_WORKING_SET, MAXIMUM_WORKING_SET + 8, (byte) 0xFF);
        return cache;
    }

    /** Issues the step; returns its NTSTATUS (0 is success). The privilege must be enabled already. */
    public int issue() {
        byte[] info = information();
        Memory buffer = new Memory(info.length);
        buffer.write(0, info, 0, info.length);
        return Native.load("ntdll", Ntdll.class).NtSetSystemInformation(informationClass, buffer, info.length);
    }

    /** "NtSetSystemInformation(80, 2)": what a status line names. */
    public String call() {
        return "NtSetSystemInformation(" + informationClass + ", " + (informationClass == 80 ? command : "-1/-1") + ")";
    }
}
