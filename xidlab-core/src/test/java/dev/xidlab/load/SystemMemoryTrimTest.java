package dev.xidlab.load;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The buffers the Windows load hands NtSetSystemInformation, as phnt documents them (no Windows runs here to take
 * them): a ULONG command for SystemMemoryListInformation, and for SystemPagedPoolInformationEx an x64
 * SYSTEM_FILECACHE_INFORMATION (64 bytes) whose MinimumWorkingSet and MaximumWorkingSet are (SIZE_T)-1.
 */
class SystemMemoryTrimTest {

    @Test
    void theMemoryListCommandsAreTheirUlongNumbers() {
        assertArrayEquals(new byte[] {2, 0, 0, 0}, SystemMemoryTrim.EMPTY_WORKING_SETS.information());
        assertArrayEquals(new byte[] {3, 0, 0, 0}, SystemMemoryTrim.FLUSH_MODIFIED_LIST.information());
        assertArrayEquals(new byte[] {4, 0, 0, 0}, SystemMemoryTrim.PURGE_STANDBY_LIST.information());
    }

    @Test
    void thePagedPoolTrimAsksForAWorkingSetOfMinusOneToMinusOne() {
        byte[] cache = SystemMemoryTrim.TRIM_PAGED_POOL.information();

        assertEquals(64, cache.length);
        byte[] expected = new byte[64];
        Arrays.fill(expected, 0x18, 0x28, (byte) 0xFF);
        assertArrayEquals(expected, cache);
    }

    @Test
    void eachStepNamesThePrivilegeItNeeds() {
        assertEquals(List.of("SeProfileSingleProcessPrivilege", "SeProfileSingleProcessPrivilege",
                "SeProfileSingleProcessPrivilege", "SeIncreaseQuotaPrivilege"),
                Arrays.stream(SystemMemoryTrim.values()).map(SystemMemoryTrim::privilege).toList());
    }

    @Test
    void aPrivilegeTheTokenDoesNotHoldIsSaidWithTheWayToGetIt() {
        String message = WindowsPrivileges.notHeld("SeIncreaseQuotaPrivilege", WindowsPrivileges.ERROR_NOT_ALL_ASSIGNED);

        assertTrue(message.startsWith("this process does not hold SeIncreaseQuotaPrivilege (error 1300)"), message);
    }
}
