package dev.xidlab.dump;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class BugcheckNamesTest {

    @Test
    void everyCodeOfMicrosoftsReferenceHasItsName() {
        assertTrue(BugcheckNames.all().size() >= 400, "codes: " + BugcheckNames.all().size());
        assertEquals("APC_INDEX_MISMATCH", BugcheckNames.name(0x1));
        assertEquals("DRIVER_IRQL_NOT_LESS_OR_EQUAL", BugcheckNames.name(0xD1));
        assertEquals("KERNEL_SECURITY_CHECK_FAILURE", BugcheckNames.name(0x139));
        assertEquals("DMA_COMMON_BUFFER_VECTOR_ERROR", BugcheckNames.name(0x1DC));
        assertEquals("HYPERVISOR_ERROR", BugcheckNames.name(0x20001));
        assertEquals("MANUALLY_INITIATED_CRASH1", BugcheckNames.name(0xDEADDEADL));
    }

    @Test
    void theMFormOfACodeIsItsBaseNameWithM() {
        assertEquals("UNEXPECTED_KERNEL_MODE_TRAP_M", BugcheckNames.name(0x1000007FL));
        assertEquals("DRIVER_IRQL_NOT_LESS_OR_EQUAL_M", BugcheckNames.name(0x100000D1L));
    }

    @Test
    void codesThatAreNotMFormsKeepTheirOwnNames() {
        assertEquals("THREAD_TERMINATE_HELD_MUTEX", BugcheckNames.name(0x4000008AL));
        assertEquals("STATUS_SYSTEM_PROCESS_TERMINATED", BugcheckNames.name(0xC000021AL));
    }

    @Test
    void anUnknownCodeIsUnknownBugcheckNotAnError() {
        assertEquals("UNKNOWN_BUGCHECK", BugcheckNames.name(0x4242));
        assertEquals("UNKNOWN_BUGCHECK", BugcheckNames.name(0x10004242L));
    }

    @Test
    void theCommonCodesSayWhatEachParameterMeans() {
        for (long code : new long[] {0x0A, 0x1E, 0x3B, 0x50, 0x7E, 0x7F, 0x9F, 0xC4, 0xD1, 0xEF, 0x133, 0x139}) {
            List<String> meanings = BugcheckNames.parameters(code);
            assertEquals(4, meanings.size(), "0x" + Long.toHexString(code));
            assertFalse(meanings.get(0).isBlank(), "0x" + Long.toHexString(code));
        }
        assertEquals("address of the context record", BugcheckNames.parameters(0x1000007EL).get(3));
    }
}
