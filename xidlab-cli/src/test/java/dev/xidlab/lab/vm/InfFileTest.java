package dev.xidlab.lab.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the lab reads of a driver package's INF before it tells a Windows guest how to install it. */
class InfFileTest {

    @TempDir
    Path dir;

    @Test
    void aUtf16InfWithItsByteOrderMarkReadsAsWindowsWritesIt() throws IOException {
        Path inf = dir.resolve("vendorflt.inf");
        byte[] text = WindowsGuestTest.FILTER_INF.getBytes(StandardCharsets.UTF_16LE);
        byte[] withMark = new byte[text.length + 2];
        withMark[0] = (byte) 0xff;
        withMark[1] = (byte) 0xfe;
        System.arraycopy(text, 0, withMark, 2, text.length);
        Files.write(inf, withMark);

        InfFile read = InfFile.read(inf);

        assertEquals(Optional.of("DefaultInstall.NTamd64"), read.defaultInstall());
        assertEquals(Optional.of("VendorFlt"), read.service("vendorflt.sys"));
    }

    @Test
    void theSectionAnX64WindowsRunsIsTheArchitecturesThenNtThenTheUndecoratedOne() {
        String sections = "[DefaultInstall]\nA=1\n[DefaultInstall.NT]\nA=1\n[defaultinstall.ntamd64]\nA=1\n";

        assertEquals(Optional.of("defaultinstall.ntamd64"), InfFile.parse("x.inf", sections).defaultInstall());
        assertEquals(Optional.of("DefaultInstall.NT"),
                InfFile.parse("x.inf", "[DefaultInstall.NTx86]\n[DefaultInstall.NT]\n").defaultInstall());
        assertEquals(Optional.of("DefaultInstall"), InfFile.parse("x.inf", "[DefaultInstall]\n").defaultInstall());
    }

    @Test
    void theServiceIsTheAddServiceWhoseBinaryIsTheModuleElseTheFirst() {
        String inf = """
                [DefaultInstall.Services]
                AddService = "HelperSvc",,Helper.Service
                AddService = Vendor, 0x2, \\
                    Vendor.Service   ; continued
                [Helper.Service]
                ServiceBinary = %12%\\helper.sys
                [Vendor.Service]
                ServiceBinary = %12%\\VendorFlt.SYS
                """;

        assertEquals(Optional.of("Vendor"), InfFile.parse("x.inf", inf).service("vendorflt.sys"));
        assertEquals(Optional.of("HelperSvc"), InfFile.parse("x.inf", inf).service("other.sys"));
        assertEquals(Optional.empty(), InfFile.parse("x.inf", "[Version]\n").service("other.sys"));
    }

    @Test
    void aPrimitiveDriversLegacyUninstallIsNotAnUninstallSection() {
        assertEquals(Optional.empty(), InfFile.parse("x.inf", "[DefaultUninstall.NTamd64]\nLegacyUninstall=1\n")
                .defaultUninstall());
        assertEquals(Optional.of("DefaultUninstall"), InfFile.parse("x.inf", "[DefaultUninstall]\nDelFiles=F\n")
                .defaultUninstall());
    }

    @Test
    void aSemicolonInAQuotedStringIsNoComment() {
        InfFile inf = InfFile.parse("x.inf", "[Strings]\nName = \"a;b\" ; the name\n[S]\nAddService = %Name%,,X\n");

        assertEquals(Optional.of("a;b"), inf.service("x.sys"));
        assertTrue(InfFile.parse("x.inf", "[Manufacturer]\n").hasManufacturer());
        assertFalse(inf.hasManufacturer());
    }
}
