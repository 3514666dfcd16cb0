package dev.xidlab.lab.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.lab.LabException;
import dev.xidlab.lab.runner.CommandResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * What the lab asks of libvirt, on real inputs: a domain definition as vagrant-libvirt 0.11 creates it (dumped
 * from the stand-in guest's domain here), virsh's state answers, and the line libvirt 9 writes into a domain's log
 * when a guest reports its crash through the Hyper-V crash MSRs (the format string is libvirt's own).
 */
class LibvirtTest {

    private static final Path DOMAIN = Path.of("fixtures/libvirt/vagrant-libvirt-domain.xml");

    private static String domain() throws Exception {
        return Files.readString(DOMAIN);
    }

    @Test
    void aDomainAsVagrantLibvirtMakesItGetsThePanicDeviceAndKeepsACrashedGuestToResume() throws Exception {
        String edited = Libvirt.withCrashSignal(domain(), Libvirt.PanicModel.ISA).orElseThrow();

        assertTrue(edited.contains("<on_crash>preserve</on_crash>"), edited);
        assertFalse(edited.contains("<on_crash>destroy</on_crash>"), edited);
        assertTrue(edited.replaceAll("\\s+", " ").contains(
                "<panic model=\"isa\"><address iobase=\"0x505\" type=\"isa\"/></panic>"), edited);
    }

    @Test
    void aDomainThatHasTheSignalAlreadyIsLeftAlone() throws Exception {
        String once = Libvirt.withCrashSignal(domain(), Libvirt.PanicModel.ISA).orElseThrow();

        assertEquals(Optional.empty(), Libvirt.withCrashSignal(once, Libvirt.PanicModel.ISA));
    }

    @Test
    void anotherPanicDeviceIsReplacedSoTheDomainReportsThroughOne() throws Exception {
        String isa = Libvirt.withCrashSignal(domain(), Libvirt.PanicModel.ISA).orElseThrow();

        String hyperv = Libvirt.withCrashSignal(isa, Libvirt.PanicModel.HYPERV).orElseThrow();

        assertTrue(hyperv.contains("<panic model=\"hyperv\"/>"), hyperv);
        assertFalse(hyperv.contains("model=\"isa\""), hyperv);
    }

    @Test
    void theEditKeepsEverythingElseOfTheDefinition() throws Exception {
        String edited = Libvirt.withCrashSignal(domain(), Libvirt.PanicModel.HYPERV).orElseThrow();

        for (String kept : List.of("<name>standin_default</name>", "e6022e96-7ce3-4f29-abf2-4a2e971f0a16",
                "<on_reboot>restart</on_reboot>", "standin_default.img")) {
            assertTrue(edited.contains(kept), kept);
        }
    }

    @Test
    void aPvpanicGivenOnQemusCommandLineAtCreationCountsAsTheDeviceSoNoSecondIsAdded() throws Exception {
        String withQemuArgs = domain().replaceFirst("<domain type='qemu'>",
                        "<domain type='qemu' xmlns:qemu='http://libvirt.org/schemas/domain/qemu/1.0'>")
                .replace("</domain>", "  <qemu:commandline>\n    <qemu:arg value='-device'/>\n"
                        + "    <qemu:arg value='pvpanic,ioport=0x505'/>\n  </qemu:commandline>\n</domain>");
        javax.xml.parsers.DocumentBuilderFactory f = javax.xml.parsers.DocumentBuilderFactory.newInstance();
        org.w3c.dom.Document doc = f.newDocumentBuilder().parse(new org.xml.sax.InputSource(
                new java.io.StringReader(withQemuArgs)));

        assertTrue(Libvirt.hasPanicDevice(doc, Libvirt.PanicModel.ISA));
        assertFalse(Libvirt.hasPanicDevice(doc, Libvirt.PanicModel.HYPERV));
    }

    @Test
    void aDefinitionThatIsNotXmlIsAOneLineError() {
        LabException e = assertThrows(LabException.class,
                () -> Libvirt.withCrashSignal("<domain", Libvirt.PanicModel.ISA));

        assertTrue(e.getMessage().startsWith("the domain definition is not XML"), e.getMessage());
    }

    @Test
    void virshsStatesAreReadWithTheirReasons() {
        assertTrue(Libvirt.parseState("crashed (panicked)\n").crashed());
        assertTrue(Libvirt.parseState("running (booted)\n").running());
        assertTrue(Libvirt.parseState("shut off (destroyed)\n").off());
        assertEquals(new Libvirt.DomainState("paused", "user"), Libvirt.parseState("paused (user)"));
        assertEquals(new Libvirt.DomainState("running", ""), Libvirt.parseState("running"));
    }

    @Test
    void theBugcheckAWindowsGuestReportedIsReadFromTheDomainsLog() {
        String log = "2026-11-25 14:02:11.013+0000: starting up libvirt version: 9.0.0\n"
                + "2026-11-25 14:09:47.552+0000: panic hyper-v: arg1='0x1000007f', arg2='0x8',"
                + " arg3='0xfffff8047e6a9e70', arg4='0xffff8504298ba000', arg5='0xfffff80477e03c40'\n";

        assertEquals(Optional.of(List.of(0x1000007FL, 8L, 0xfffff8047e6a9e70L, 0xffff8504298ba000L,
                0xfffff80477e03c40L)), Libvirt.hypervCrashReportIn(log));
    }

    @Test
    void aHungGuestIsSentADiagnosticNmiThroughVirsh() {
        List<List<String>> asked = new java.util.ArrayList<>();
        Libvirt libvirt = new Libvirt((command, directory, environment, timeout) -> {
            asked.add(command);
            return new CommandResult(0, "", "", false);
        }, "qemu:///system", Path.of("/var/log/libvirt/qemu"));

        libvirt.injectNmi("e6022e96-7ce3-4f29-abf2-4a2e971f0a16");

        assertEquals(List.of(List.of("virsh", "-q", "-c", "qemu:///system", "inject-nmi",
                "e6022e96-7ce3-4f29-abf2-4a2e971f0a16")), asked);
    }

    @Test
    void anNmiVirshCannotSendIsAOneLineError() {
        Libvirt libvirt = new Libvirt((command, directory, environment, timeout) -> new CommandResult(1, "",
                "error: Requested operation is not valid: domain is not running\n", false), "qemu:///system",
                Path.of("/var/log/libvirt/qemu"));

        LabException e = assertThrows(LabException.class, () -> libvirt.injectNmi("standin_default"));

        assertEquals("sending an NMI to standin_default failed: error: Requested operation is not valid: domain is"
                + " not running", e.getMessage());
    }

    @Test
    void aLogWithoutAHyperVReportHasNone() {
        assertEquals(Optional.empty(), Libvirt.hypervCrashReportIn("char device redirected to /dev/pts/0\n"));
    }
}
