package dev.xidlab.lab;

import static dev.xidlab.lab.ScriptedVagrant.failed;
import static dev.xidlab.lab.ScriptedVagrant.ok;
import static dev.xidlab.lab.ScriptedVagrant.timedOut;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xidlab.cli.CliRun;
import dev.xidlab.device.Device;
import dev.xidlab.device.DeviceException;
import dev.xidlab.device.KernelModel;
import dev.xidlab.protocol.DriverConfig;
import dev.xidlab.protocol.DriverInfo;
import dev.xidlab.protocol.Wire;
import dev.xidlab.protocol.XidMode;
import dev.xidlab.stress.Budget;
import dev.xidlab.stress.MemoryPressure;
import dev.xidlab.stress.OperationMix;
import dev.xidlab.stress.StressProfile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The VM lab's protocol with Vagrant and its guest, against a scripted host: what it runs, in which order, and
 * how it reads what comes back. Where the guest would run the xidlab jar, the scripted guest runs the same
 * command in this process on the kernel model, so the bytes are real.
 */
class VagrantLabTest {

    private static final Instant BOOTED = Instant.parse("2026-11-25T07:00:00Z");
    private static final Instant REBOOTED = Instant.parse("2026-11-25T07:04:10Z");
    private static final Path FIXTURE_DUMP = Path.of("src/test/resources/dumps/triage_x64.dmp");
    private static final Path FIXTURE_EVENTS = Path.of("src/test/resources/eventlogs/system-bugchecks.xml");

    @TempDir
    Path dir;

    private Path home;

    @BeforeEach
    void aBuiltCheckout() throws Exception {
        home = ScriptedVagrant.builtCheckout(dir);
        System.setProperty("xidlab.sim.state", dir.resolve("service-key.bin").toString());
    }

    @AfterEach
    void restore() {
        System.clearProperty("xidlab.sim.state");
    }

    private VagrantLab lab(ScriptedVagrant host) {
        return new VagrantLab(new VagrantLab.Setup(home, "xidlab/windows", dir.resolve("kvm"), Duration.ofMinutes(5)),
                host, d -> { }, Clock.fixed(BOOTED, ZoneOffset.UTC));
    }

    private static ScriptedVagrant bootedAt(ScriptedVagrant host, Instant bootTime) {
        return host.once("LastBootUpTime", ok(bootTime.toString().replace("Z", ".5000000Z") + "\r\n"));
    }

    /** A guest whose ssh session dies in the load and that answers again booted later, with this evidence. */
    private static ScriptedVagrant rebootedDuringTheLoad(CommandResult minidumps, CommandResult events) {
        return bootedAt(ScriptedVagrant.readyHost(), BOOTED)
                .once("stress --lab local", failed(255, "closed"))
                .once("LastBootUpTime", ok(REBOOTED + "\r\n"))
                .always("Minidump", minidumps)
                .always("wevtutil qe System", events);
    }

    private static StressProfile profile() {
        return new StressProfile(4, 32, OperationMix.typical(), MemoryPressure.HIGH, Budget.ofOperations(20_000));
    }

    @Test
    void aHostWithoutTheLibvirtPluginIsUnavailableWithTheInstallCommand() {
        ScriptedVagrant host = new ScriptedVagrant().always("vagrant --version", ok("Vagrant 2.3.7\n"))
                .always("vagrant plugin list", ok("No plugins installed.\n"));

        LabUnavailableException e = assertThrows(LabUnavailableException.class, () -> lab(host).checkAvailable());

        assertEquals("the vagrant-libvirt plugin is missing (apt-get install vagrant-libvirt)", e.getMessage());
    }

    @Test
    void aHostWithoutKvmIsUnavailableBeforeAnyBoxIsLookedFor() throws Exception {
        Files.delete(dir.resolve("kvm"));
        ScriptedVagrant host = ScriptedVagrant.readyHost();

        LabUnavailableException e = assertThrows(LabUnavailableException.class, () -> lab(host).checkAvailable());

        assertTrue(e.getMessage().startsWith("no usable " + dir.resolve("kvm")), e.getMessage());
        assertEquals(0, host.count("box list"));
    }

    @Test
    void aMissingBoxIsNamedWithHowToAddIt() {
        ScriptedVagrant host = new ScriptedVagrant().always("vagrant --version", ok("Vagrant 2.3.7\n"))
                .always("vagrant plugin list", ok("vagrant-libvirt (0.11.2, system)\n"))
                .always("vagrant box list", ok("xidlab/windows-old (libvirt, 0)\n"));

        LabUnavailableException e = assertThrows(LabUnavailableException.class, () -> lab(host).checkAvailable());

        assertTrue(e.getMessage().startsWith("no Vagrant box 'xidlab/windows': add a Windows 10/11 x64 box"),
                e.getMessage());
    }

    @Test
    void anUnbuiltDriverIsUnavailableWithTheBuildCommand() throws Exception {
        Files.delete(home.resolve("target/driver/xidfilter.sys"));

        LabUnavailableException e = assertThrows(LabUnavailableException.class,
                () -> lab(ScriptedVagrant.readyHost()).checkAvailable());

        assertTrue(e.getMessage().startsWith("build the driver and the jar first: mvn package"), e.getMessage());
    }

    @Test
    void bootBringsTheGuestUpWithLibvirtAndAsksItsBootTime() {
        ScriptedVagrant host = bootedAt(ScriptedVagrant.readyHost(), BOOTED);

        lab(host).boot();

        assertEquals(1, host.count("vagrant up --provider=libvirt"));
        assertEquals(1, host.count("LastBootUpTime"));
    }

    @Test
    void aFailedVagrantUpIsALabErrorWithVagrantsLastLine() {
        ScriptedVagrant host = ScriptedVagrant.readyHost().once("vagrant up",
                failed(1, "Bringing machine 'default' up...\nError while connecting to libvirt: no socket\n"));

        LabException e = assertThrows(LabException.class, () -> lab(host).boot());

        assertEquals("vagrant up failed: Error while connecting to libvirt: no socket", e.getMessage());
    }

    @Test
    void deployUploadsTheBuildOnceAndInstallsTheDriverEveryTime() {
        ScriptedVagrant host = bootedAt(ScriptedVagrant.readyHost(), BOOTED).withModelDriverInGuest();
        VagrantLab lab = lab(host);
        lab.boot();

        lab.deployDriver().close();
        lab.deployDriver().close();

        assertTrue(host.commands.contains("vagrant upload " + home.resolve("target/driver/xidfilter.sys")
                + " C:/xidlab/driver/xidfilter.sys"), host.commands.toString());
        assertTrue(host.commands.contains("vagrant upload " + home.resolve("target/xidlab.jar")
                + " C:/xidlab/xidlab.jar"), host.commands.toString());
        assertEquals(3, host.count("vagrant upload"));
        assertEquals(2, host.count("& 'C:\\xidlab\\install-driver.ps1' -From 'C:\\xidlab\\driver'"));
    }

    @Test
    void aGuestWithoutJavaIsALabErrorBeforeAnythingIsUploaded() {
        ScriptedVagrant host = bootedAt(ScriptedVagrant.readyHost(), BOOTED).once("java -version",
                failed(1, "java : The term 'java' is not recognized as the name of a cmdlet"));
        VagrantLab lab = lab(host);
        lab.boot();

        LabException e = assertThrows(LabException.class, lab::deployDriver);

        assertTrue(e.getMessage().startsWith("the guest has no working java"), e.getMessage());
        assertEquals(0, host.count("vagrant upload"));
    }

    @Test
    void theGuestsDriverAnswersThroughTheHostsCodec() {
        assumeTrue(KernelModel.unavailableReason().isEmpty(), () -> KernelModel.unavailableReason().get());
        ScriptedVagrant host = bootedAt(ScriptedVagrant.readyHost(), BOOTED).withModelDriverInGuest();
        VagrantLab lab = lab(host);
        lab.boot();

        try (Device device = lab.deployDriver()) {
            DriverInfo info = device.info();
            device.setConfig(DriverConfig.fieldDefault().withXidMode(XidMode.CACHED),
                    dev.xidlab.protocol.ApplyMode.NEXT_LOAD);

            assertEquals(Wire.PROTOCOL_VERSION, info.protocolVersion());
            assertEquals(XidMode.CACHED, device.config().xidMode());
        }
    }

    @Test
    void aRequestTheGuestsDriverFailsIsADeviceErrorWithItsStatus() {
        ScriptedVagrant host = bootedAt(ScriptedVagrant.readyHost(), BOOTED).always("driver raw",
                ok("{\"win32Error\":87,\"ntStatus\":-1073741811,\"output\":\"\"}\n"));
        VagrantLab lab = lab(host);
        lab.boot();

        try (Device device = lab.deployDriver()) {
            DeviceException e = assertThrows(DeviceException.class, device::stats);

            assertEquals(0xC000000D, e.ntStatus());
            assertEquals(87, e.win32Error());
            assertTrue(e.getMessage().contains("failed in the guest"), e.getMessage());
        }
    }

    @Test
    void theGuestsLoadCarriesTheWholeProfileAndLeavesTheHostsConfiguration() {
        StressProfile timed = new StressProfile(2, 8, new OperationMix(10, 50, 40), MemoryPressure.LOW,
                new Budget(5_000, Duration.ofSeconds(90)));

        String script = VagrantLab.loadScript(timed, 7);

        assertEquals("java -jar 'C:\\xidlab\\xidlab.jar' stress --lab local --as-configured --json --workers 2"
                + " --processes 8 --mix 10/50/40 --pressure low --seed 7 --operations 5000 --seconds 90;"
                + " exit $LASTEXITCODE", script);
    }

    @Test
    void aSurvivedLoadReportsTheGuestsOperationsAndItsDriversTelemetry() {
        assumeTrue(KernelModel.unavailableReason().isEmpty(), () -> KernelModel.unavailableReason().get());
        ScriptedVagrant host = bootedAt(ScriptedVagrant.readyHost(), BOOTED).withModelDriverInGuest()
                .once("stress --lab local", ok("{\n  \"outcome\" : \"survived\",\n  \"operations\" : 20000\n}\n"));
        VagrantLab lab = lab(host);
        lab.boot();

        RunOutcome outcome = lab.stress(profile(), 1, dir.resolve("evidence"));

        RunOutcome.Survived survived = assertInstanceOf(RunOutcome.Survived.class, outcome);
        assertEquals(20_000, survived.operations());
        assertEquals(0, survived.stats().maxNestingDepth(), "telemetry read from the guest's driver");
        assertFalse(Files.exists(dir.resolve("evidence")), "no evidence for a survived run");
    }

    @Test
    void aGuestThatDropsTheLoadAndRebootsBugcheckedAsItsFetchedDumpSays() throws Exception {
        byte[] dump = Files.readAllBytes(FIXTURE_DUMP);
        ScriptedVagrant host = bootedAt(ScriptedVagrant.readyHost(), BOOTED)
                .once("stress --lab local", failed(255, "Connection to 192.168.121.40 closed by remote host."))
                .once("LastBootUpTime", failed(255, "ssh: connect to host 192.168.121.40 port 22: No route to host"))
                .once("LastBootUpTime", ok(REBOOTED + "\r\n"))
                .always("Minidump", ok("112526-01.dmp " + Base64.getEncoder().encodeToString(dump) + "\r\n"))
                .always("wevtutil qe System", ok(Files.readString(FIXTURE_EVENTS)));
        VagrantLab lab = lab(host);
        lab.boot();
        Path evidence = dir.resolve("evidence");

        RunOutcome outcome = lab.stress(profile(), 1, evidence);

        RunOutcome.Bugchecked b = assertInstanceOf(RunOutcome.Bugchecked.class, outcome);
        assertEquals(0x1000007EL, b.code());
        assertEquals(0xfffff8048b58334cL, b.parameters().get(1));
        assertEquals(evidence.resolve("112526-01.dmp"), b.dump().orElseThrow());
        assertEquals(List.of(evidence.resolve("112526-01.dmp"), evidence.resolve("system-events.xml")), b.evidence());
        assertTrue(java.util.Arrays.equals(dump, Files.readAllBytes(b.dump().get())), "the dump arrives intact");
    }

    @Test
    void evidenceIsAskedOnlyForTheTimeSinceTheRunsBoot() {
        ScriptedVagrant host = rebootedDuringTheLoad(ok(""), ok(""));
        VagrantLab lab = lab(host);
        lab.boot();

        lab.stress(profile(), 1, dir.resolve("evidence"));

        String since = "[datetime]::Parse('" + BOOTED.plusMillis(500) + "')";
        assertEquals(2, host.commands.stream().filter(c -> c.contains(since)).count(), host.commands.toString());
    }

    @Test
    void aWithoutDumpTheBugcheckComesFromTheSystemLog() throws Exception {
        ScriptedVagrant host = rebootedDuringTheLoad(ok(""), ok(Files.readString(FIXTURE_EVENTS)));
        VagrantLab lab = lab(host);
        lab.boot();

        RunOutcome outcome = lab.stress(profile(), 1, dir.resolve("evidence"));

        RunOutcome.Bugchecked b = assertInstanceOf(RunOutcome.Bugchecked.class, outcome);
        assertTrue(b.dump().isEmpty());
        assertEquals(List.of(dir.resolve("evidence/system-events.xml")), b.evidence());
    }

    @Test
    void aRebootThatLeftNoEvidenceIsALabFailureNotASurvival() {
        ScriptedVagrant host = rebootedDuringTheLoad(ok(""), ok(""));
        VagrantLab lab = lab(host);
        lab.boot();

        RunOutcome outcome = lab.stress(profile(), 1, dir.resolve("evidence"));

        RunOutcome.LabFailure f = assertInstanceOf(RunOutcome.LabFailure.class, outcome);
        assertTrue(f.reason().startsWith("the guest rebooted during the load but left no dump"), f.reason());
    }

    @Test
    void aLoadThatFailsWithoutARebootIsALabFailureWithTheGuestsMessage() {
        ScriptedVagrant host = bootedAt(ScriptedVagrant.readyHost(), BOOTED)
                .once("stress --lab local", failed(3, "xidlab: --lab local: xidfilter is not usable here"))
                .once("LastBootUpTime", ok(BOOTED + "\r\n"));
        VagrantLab lab = lab(host);
        lab.boot();

        RunOutcome outcome = lab.stress(profile(), 1, dir.resolve("evidence"));

        RunOutcome.LabFailure f = assertInstanceOf(RunOutcome.LabFailure.class, outcome);
        assertEquals("the load failed in the guest without a reboot: xidlab: --lab local: xidfilter is not usable"
                + " here", f.reason());
        assertEquals(0, host.count("Minidump"));
    }

    @Test
    void aHungGuestIsResetBeforeItsEvidenceIsRead() {
        ScriptedVagrant host = bootedAt(ScriptedVagrant.readyHost(), BOOTED)
                .always("vagrant halt --force", ok(""))
                .once("stress --lab local", timedOut())
                .once("LastBootUpTime", ok(REBOOTED + "\r\n"))
                .always("Minidump", ok(""))
                .always("wevtutil qe System", ok(""));
        VagrantLab lab = lab(host);
        lab.boot();

        lab.stress(profile(), 1, dir.resolve("evidence"));

        int halt = host.commands.indexOf("vagrant halt --force");
        assertTrue(halt > 0, host.commands.toString());
        assertEquals("vagrant up --provider=libvirt", host.commands.get(halt + 1));
    }

    @Test
    void aGuestThatNeverComesBackIsALabFailureAfterTheBootTimeout() {
        ScriptedVagrant host = bootedAt(ScriptedVagrant.readyHost(), BOOTED)
                .once("stress --lab local", failed(255, "closed"))
                .always("LastBootUpTime", failed(255, "No route to host"));
        VagrantLab lab = new VagrantLab(new VagrantLab.Setup(home, "xidlab/windows", dir.resolve("kvm"),
                Duration.ofMinutes(5)), host, d -> { }, new StepClock(BOOTED, Duration.ofMinutes(1)));
        lab.boot();

        RunOutcome outcome = lab.stress(profile(), 1, dir.resolve("evidence"));

        RunOutcome.LabFailure f = assertInstanceOf(RunOutcome.LabFailure.class, outcome);
        assertTrue(f.reason().startsWith("the guest did not come back within 5 minutes"), f.reason());
    }

    @Test
    void guestScriptsTravelEncodedSoQuotesAndDollarsArriveIntact() {
        String script = "Write-Output 'it''s $env:SystemRoot \"quoted\"'";

        String command = VagrantGuest.encodedCommand(script);

        assertTrue(command.startsWith("powershell -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand "));
        assertFalse(command.contains("'") || command.contains("$"), command);
        assertEquals(script, VagrantGuest.decodeCommand(command));
    }

    @Test
    void thisMachineSaysInOneLineWhyItCannotRunTheVmLab() {
        CliRun r = CliRun.of("lab", "status", "--lab", "vagrant");
        assumeTrue(r.exitCode() != 0, "this machine has everything the VM lab needs: " + r.out());

        assertEquals(3, r.exitCode(), r.out() + r.err());
        List<String> rows = r.out().lines().filter(l -> l.startsWith("vagrant ")).toList();
        assertEquals(1, rows.size(), r.out());
        assertTrue(rows.get(0).matches("vagrant +no +\\S.*"), r.out());
    }

    /** A clock that moves on by a step each time it is read: a boot timeout passes without waiting for it. */
    private static final class StepClock extends Clock {
        private Instant now;
        private final Duration step;

        StepClock(Instant start, Duration step) {
            this.now = start;
            this.step = step;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            Instant t = now;
            now = now.plus(step);
            return t;
        }
    }
}
