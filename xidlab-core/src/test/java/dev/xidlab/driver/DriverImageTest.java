package dev.xidlab.driver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xidlab.testing.ExternalCommand;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
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
        assertTrue(pe.sectionNames().contains("PAGEXFST"), pe.sectionNames().toString());
    }

    @Test
    void itHasAPageableCodeSectionAndADiscardableInitSectionAsTheWdkBuildHas() {
        PeImage.Section page = pe.section("PAGE");
        PeImage.Section init = pe.section("INIT");

        assertTrue(page.has(PeImage.Section.CODE | PeImage.Section.EXECUTE), "PAGE holds code");
        assertFalse(page.has(PeImage.Section.DISCARDABLE), "PAGE stays after DriverEntry");
        assertTrue(init.has(PeImage.Section.CODE | PeImage.Section.EXECUTE | PeImage.Section.DISCARDABLE),
                "INIT is discarded after DriverEntry");
    }

    @Test
    void passiveLevelRoutinesArePageableAndDriverEntryOnlyOnesAreInInit() throws Exception {
        Disassembly code = disassemble(BuiltDriver.SYS);

        for (String name : List.of("XfCoreDeviceControl", "XfCoreFilterUnload", "XfCoreControlCreate",
                "XfCoreProcessCreated", "XfRegisterFilter", "XfWriteServiceConfig", "XfPlatLock")) {
            assertEquals("PAGE", sectionOf(code.named(name).orElseThrow(), name), name);
        }
        for (String name : List.of("DriverEntry", "XfCreateControlDevice", "XfResolvePoolApi", "XfReadServiceKey",
                "XfOpenImageIdentity")) {
            assertEquals("INIT", sectionOf(code.named(name).orElseThrow(), name), name);
        }
    }

    @Test
    void nothingThePagingPathCanReachIsPageableOrDiscarded() throws Exception {
        Disassembly code = disassemble(BuiltDriver.SYS);

        Set<Disassembly.Routine> reachable = code.reachableFrom(code.named("XfPreOperation").orElseThrow());

        List<String> names = reachable.stream().map(Disassembly.Routine::name).toList();
        assertTrue(names.containsAll(List.of("XfCorePreOperation", "XfPlatLookupProcess", "XfPlatPagingIoTarget",
                "XfSelfTestTouchPage")), "the walk followed the calls: " + names);
        for (Disassembly.Routine r : reachable) {
            assertEquals(".text", sectionOf(r, r.name()), r.name() + " is reachable from XfPreOperation: " + names);
        }
    }

    @Test
    void onlyInitCodeCallsIntoInit() throws Exception {
        Disassembly code = disassemble(BuiltDriver.SYS);

        code.callees().forEach((caller, callees) -> {
            for (Disassembly.Routine callee : callees) {
                if (sectionOf(callee, callee.name()).equals("INIT")) {
                    assertEquals("INIT", sectionOf(caller, caller.name()),
                            caller.name() + " calls " + callee.name() + ", which is discarded after DriverEntry");
                }
            }
        });
    }

    @Test
    void theCheckedBuildChecksIrqlInEveryPageableRoutine() throws Exception {
        Disassembly code = disassemble(BuiltDriver.CHECKED_SYS);
        PeImage checked = new PeImage(BuiltDriver.CHECKED_SYS);
        PeImage.Section page = checked.section("PAGE");

        List<Disassembly.Routine> paged = code.routines().stream().filter(r -> page.contains(r.start())).toList();

        assertFalse(paged.isEmpty());
        for (Disassembly.Routine r : paged) {
            assertTrue(r.instructions().stream().anyMatch(i -> i.contains("%cr8")),
                    r.name() + " in PAGE reads no IRQL (CR8): PAGED_CODE() is not a real check in the checked build");
        }
    }

    @Test
    void theFreeBuildHasNoAssertions() throws Exception {
        Disassembly code = disassemble(BuiltDriver.SYS);

        assertTrue(code.routines().stream().flatMap(r -> r.instructions().stream())
                .noneMatch(i -> i.contains("int    $0x2c")), "NT_ASSERT compiled into the free build");
    }

    @Test
    void theTestCertificateIsALeafCodeSigningCertificate() throws Exception {
        X509Certificate cert;
        try (InputStream in = Files.newInputStream(BuiltDriver.CERT)) {
            cert = (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }

        assertEquals(-1, cert.getBasicConstraints(), "CA:FALSE");
        assertEquals(List.of("1.3.6.1.5.5.7.3.3"), cert.getExtendedKeyUsage(), "EKU code signing only");
        assertTrue(cert.getKeyUsage()[0], "digitalSignature");
        assertFalse(cert.getKeyUsage()[5], "not keyCertSign");
    }

    Disassembly disassemble(Path image) throws Exception {
        assumeTrue(ExternalCommand.onPath(Disassembly.OBJDUMP), Disassembly.OBJDUMP + " is not installed");
        return Disassembly.of(image);
    }

    String sectionOf(Disassembly.Routine routine, String what) {
        return pe.sections().stream().filter(s -> s.contains(routine.start())).map(PeImage.Section::name)
                .findFirst().orElseThrow(() -> new AssertionError(what + " is in no section"));
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
