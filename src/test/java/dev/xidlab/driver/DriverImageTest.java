package dev.xidlab.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The cross-built xidfilter.sys is a real x64 kernel driver a Windows loader would take. */
class DriverImageTest {

    PeImage pe;

    @BeforeEach
    void read() throws Exception {
        assumeTrue(BuiltDriver.built(), BuiltDriver.NOT_BUILT);
        pe = new PeImage(BuiltDriver.SYS);
    }

    @Test
    void itIsAnX64NativeImage() {
        assertEquals(0x8664, pe.machine(), "IMAGE_FILE_MACHINE_AMD64");
        assertEquals(0x20B, pe.magic(), "PE32+");
        assertEquals(1, pe.subsystem(), "IMAGE_SUBSYSTEM_NATIVE");
    }

    @Test
    void itAsksForIntegrityChecksSoTheProcessNotifyRoutineIsAllowed() {
        assertTrue((pe.dllCharacteristics() & 0x80) != 0, "FORCE_INTEGRITY (/INTEGRITYCHECK)");
        assertTrue((pe.dllCharacteristics() & 0x40) != 0, "DYNAMIC_BASE");
        assertTrue((pe.dllCharacteristics() & 0x100) != 0, "NX_COMPAT");
    }

    @Test
    void itsChecksumIsValid() {
        assertEquals(pe.computedChecksum(), pe.storedChecksum());
    }

    @Test
    void itImportsOnlyFromTheKernelAndTheFilterManager() {
        assertTrue(Set.of("NTOSKRNL.EXE", "FLTMGR.SYS", "HAL.DLL").containsAll(pe.imports().keySet()),
                pe.imports().keySet().toString());
    }

    @Test
    void itImportsWhatAMinifilterWithAControlDeviceNeeds() {
        Map<String, List<String>> imports = pe.imports();

        assertTrue(imports.get("FLTMGR.SYS").containsAll(List.of("FltRegisterFilter", "FltStartFiltering",
                "FltUnregisterFilter", "FltGetRequestorProcess")), imports.get("FLTMGR.SYS").toString());
        assertTrue(imports.get("NTOSKRNL.EXE").containsAll(List.of("PsLookupProcessByProcessId",
                "PsGetProcessCreateTimeQuadPart", "PsSetCreateProcessNotifyRoutineEx", "IoCreateDevice",
                "IoCreateSymbolicLink", "ZwSetSecurityObject", "IoGetStackLimits", "MmGetSystemRoutineAddress")));
    }

    @Test
    void itImportsNothingWindowsLacks() {
        List<String> all = pe.imports().values().stream().flatMap(List::stream).collect(Collectors.toList());

        assertFalse(all.contains("IoCreateDeviceSecure"), "a wdmsec.lib routine, not an ntoskrnl export");
        assertFalse(all.contains("ExAllocatePool2"), "resolved at run time, so older kernels load the driver");
    }

    @Test
    void itsSelfTestPagesAreInAPageableSection() {
        assertTrue(pe.sectionNames().stream().anyMatch(n -> n.startsWith("PAGE")), pe.sectionNames().toString());
    }

    @Test
    void itsSignatureVerifiesAgainstTheTestCertificate() throws Exception {
        Process p = new ProcessBuilder("osslsigncode", "verify", "-in", BuiltDriver.SYS.toString(), "-CAfile",
                BuiltDriver.CERT.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));

        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("Signature verification: ok"), out);
    }
}
