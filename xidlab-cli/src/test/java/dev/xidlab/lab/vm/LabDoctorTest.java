package dev.xidlab.lab.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.xidlab.lab.runner.CommandResult;
import dev.xidlab.lab.runner.CommandRunner;
import dev.xidlab.lab.runner.ProcessCommandRunner;
import dev.xidlab.testing.HostTools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code xidlab lab doctor}'s checks, each made to fail for real: a vagrant that is not installed, a libvirtd that
 * does not answer, no dnsmasq, a box not added, a build not made; and a guest's list run over a real SSH shell on
 * this host, which is not the stand-in.
 */
class LabDoctorTest {

    @TempDir
    Path dir;

    private TestSshServer ssh;

    @BeforeEach
    void aShell() throws Exception {
        ssh = TestSshServer.start(dir);
    }

    @AfterEach
    void stop() throws Exception {
        ssh.close();
    }

    private static final Supplier<Acceleration> TCG = () -> new Acceleration(Acceleration.Kind.TCG,
            "/dev/kvm is present but KVM cannot run an ordinary guest");

    /** The host's real commands, with vagrant renamed to a program that does not exist. */
    private static CommandRunner withoutVagrant() {
        ProcessCommandRunner real = new ProcessCommandRunner();
        return (command, directory, environment, timeout) -> {
            List<String> renamed = new ArrayList<>(command);
            if (renamed.get(0).equals("vagrant")) {
                renamed.set(0, "xidlab-no-such-vagrant");
            }
            return real.run(renamed, directory, environment, timeout);
        };
    }

    private VagrantLab.Setup setup(Path home, String box) {
        return new VagrantLab.Setup(home, box, true, Duration.ofMinutes(1), Duration.ofMinutes(1),
                Duration.ofMinutes(1), Optional.empty(), Map.of());
    }

    private List<LabDoctor.Finding> host(CommandRunner runner, Libvirt libvirt, VagrantLab.Setup setup,
                                         List<Path> dnsmasq) {
        return LabDoctor.host(new LabDoctor.Host(new VagrantMachine(runner, dir, Map.of()), libvirt, TCG, "default",
                dnsmasq, dir.resolve("cache")), setup, setup.guest());
    }

    private static LabDoctor.Finding find(List<LabDoctor.Finding> findings, String check) {
        return findings.stream().filter(f -> f.check().equals(check)).findFirst()
                .orElseThrow(() -> new AssertionError(check + " not in " + findings));
    }

    private Libvirt unreachableLibvirt() {
        return new Libvirt(new ProcessCommandRunner(), "qemu+unix:///system?socket=" + dir.resolve("no-socket"),
                dir);
    }

    @Test
    void vagrantMissingIsAFailureWithItsFixAndTheChecksThatNeedItAreNotRun() {
        assumeTrue(HostTools.onPath("virsh"), "virsh is not installed");
        List<LabDoctor.Finding> findings = host(withoutVagrant(), unreachableLibvirt(),
                setup(dir, StandInGuest.BOX), List.of());

        LabDoctor.Finding vagrant = find(findings, "vagrant");
        assertEquals(LabDoctor.Finding.Status.FAIL, vagrant.status());
        assertTrue(vagrant.detail().contains("not found on PATH"), vagrant.detail());
        assertTrue(findings.stream().noneMatch(f -> f.check().startsWith("box ")), findings.toString());
    }

    @Test
    void aLibvirtdThatDoesNotAnswerIsAFailureAndThePoolIsNotAskedAbout() {
        assumeTrue(HostTools.onPath("virsh"), "virsh is not installed");
        List<LabDoctor.Finding> findings = host(withoutVagrant(), unreachableLibvirt(),
                setup(dir, StandInGuest.BOX), List.of());

        assertEquals(LabDoctor.Finding.Status.FAIL, find(findings, "libvirtd").status());
        assertTrue(find(findings, "libvirtd").fix().contains("libvirtd -d"));
        assertEquals(LabDoctor.Finding.Status.SKIPPED, find(findings, "storage pool 'default'").status());
    }

    @Test
    void aKvmThatCannotRunGuestsIsAWarningNotAFailureTheSoftwareCpuStillRunsThem() {
        assumeTrue(HostTools.onPath("virsh"), "virsh is not installed");
        LabDoctor.Finding kvm = find(host(withoutVagrant(), unreachableLibvirt(), setup(dir, StandInGuest.BOX),
                List.of()), "hardware virtualisation (KVM)");

        assertEquals(LabDoctor.Finding.Status.WARN, kvm.status());
        assertTrue(kvm.detail().startsWith("QEMU software CPU (TCG)"), kvm.detail());
    }

    @Test
    void noDnsmasqIsAFailureBecauseTheGuestWouldGetNoAddress() {
        assumeTrue(HostTools.onPath("virsh"), "virsh is not installed");
        LabDoctor.Finding network = find(host(withoutVagrant(), unreachableLibvirt(), setup(dir, StandInGuest.BOX),
                List.of(dir.resolve("dnsmasq"))), "network (dnsmasq)");

        assertEquals(new LabDoctor.Finding("network (dnsmasq)", LabDoctor.Finding.Status.FAIL,
                "no dnsmasq: libvirt's NAT networks give the guest no address", "apt-get install dnsmasq-base"),
                network);
    }

    @Test
    void aBoxNotAddedAndABuildNotMadeAreFailuresThatSayHowToMakeThem() {
        assumeTrue(HostTools.onPath("vagrant") && HostTools.onPath("virsh"), "vagrant is not installed");
        List<LabDoctor.Finding> findings = host(new ProcessCommandRunner(), unreachableLibvirt(),
                setup(dir, "xidlab/no-such-box"), List.of());

        LabDoctor.Finding box = find(findings, "box xidlab/no-such-box");
        LabDoctor.Finding built = find(findings, "driver and jar built");
        assertEquals(List.of(LabDoctor.Finding.Status.FAIL, LabDoctor.Finding.Status.FAIL),
                List.of(box.status(), built.status()));
        assertTrue(box.fix().contains("vagrant/README.md"), box.fix());
        assertTrue(built.fix().startsWith("mvn package builds both"), built.fix());
    }

    @Test
    void aBuiltJarWithoutTheDriverNamesTheDriverFileAndTheStepThatBuildsIt() throws Exception {
        VagrantLab.Setup windows = setup(dir, "xidlab/windows");
        Files.createDirectories(windows.jar().getParent());
        Files.write(windows.jar(), new byte[] {'P', 'K'});

        LabDoctor.Finding built = find(host(withoutVagrant(), unreachableLibvirt(), windows, List.of()),
                "driver and jar built");

        assertEquals(new LabDoctor.Finding("driver and jar built", LabDoctor.Finding.Status.FAIL,
                "missing: " + dir.resolve("target/driver/xidfilter.sys") + " (the jar is built)",
                "bash scripts/build-driver.sh " + dir.resolve("target/driver") + " builds it (mvn package runs it),"
                + " with mingw-w64 and osslsigncode installed: apt-get install gcc-mingw-w64-x86-64"
                + " mingw-w64-x86-64-dev osslsigncode"), built);
    }

    @Test
    void aDriverWithoutTheJarNamesTheJarAndTheStepThatBuildsIt() throws Exception {
        VagrantLab.Setup windows = setup(dir, "xidlab/windows");
        Files.createDirectories(windows.driverDir());
        Files.write(windows.driverDir().resolve("xidfilter.sys"), new byte[] {'M', 'Z'});

        LabDoctor.Finding built = find(host(withoutVagrant(), unreachableLibvirt(), windows, List.of()),
                "driver and jar built");

        assertEquals(new LabDoctor.Finding("driver and jar built", LabDoctor.Finding.Status.FAIL,
                "missing: " + windows.jar(), "mvn package builds it (./xidlab does too)"), built);
    }

    /** A box in the cache as build-standin-box.sh leaves it, with this host's real manifest beside it. */
    private Path cachedBoxWithManifest() throws Exception {
        Path cache = Files.createDirectories(dir.resolve("cache"));
        Path box = Files.createFile(cache.resolve("xidlab-standin-" + StandInManifestTest.RECIPE + ".box"));
        StandInManifestTest.realManifest(StandInManifest.besideBox(box));
        return box;
    }

    @Test
    void theStandInsHostChecksShowTheManifestBesideTheCachedBoxItsHeaderOnOneLineAndWhereItIs() throws Exception {
        assumeTrue(HostTools.onPath("virsh"), "virsh is not installed");
        Path manifest = StandInManifest.besideBox(cachedBoxWithManifest());

        LabDoctor.Finding found = find(host(withoutVagrant(), unreachableLibvirt(), setup(dir, StandInGuest.BOX),
                List.of()), "manifest in the cache");

        assertEquals(LabDoctor.Finding.Status.OK, found.status());
        assertTrue(found.detail().startsWith("recipe " + StandInManifestTest.RECIPE + ", built "), found.detail());
        assertTrue(found.detail().contains(", kernel ") && found.detail().contains(", jre openjdk-17-jre-headless "),
                found.detail());
        assertTrue(found.detail().endsWith(", packages " + Files.readAllLines(manifest).stream()
                .filter(l -> l.startsWith("package ")).count() + " (" + manifest + ")"), found.detail());
    }

    @Test
    void aWindowsGuestsHostChecksHaveNoStandInManifest() throws Exception {
        assumeTrue(HostTools.onPath("virsh"), "virsh is not installed");
        cachedBoxWithManifest();

        List<LabDoctor.Finding> findings = host(withoutVagrant(), unreachableLibvirt(), setup(dir, "xidlab/windows"),
                List.of());

        assertTrue(findings.stream().noneMatch(f -> f.check().startsWith("manifest")), findings.toString());
    }

    @Test
    void aCachedBoxWithoutAManifestIsAWarningThatTheBoxPredatesManifests() throws Exception {
        Path box = Files.createFile(Files.createDirectories(dir.resolve("cache")).resolve("xidlab-standin-abc.box"));

        assertEquals(new LabDoctor.Finding("manifest in the cache", LabDoctor.Finding.Status.WARN,
                "no xidlab-standin-abc.manifest beside " + box + ": the box was built before boxes recorded what they"
                        + " are made of", "scripts/build-standin-box.sh builds the box and its manifest, then vagrant"
                        + " box add --force --name xidlab/standin-linux FILE"),
                LabDoctor.cachedManifest(dir.resolve("cache")));
    }

    @Test
    void noStandInBoxInTheCacheIsAWarningThatSaysWhatBuildsIt() {
        LabDoctor.Finding found = LabDoctor.cachedManifest(dir.resolve("cache"));

        assertEquals(List.of(LabDoctor.Finding.Status.WARN, "no stand-in box in " + dir.resolve("cache")),
                List.of(found.status(), found.detail()));
        assertTrue(found.fix().startsWith("scripts/build-standin-box.sh"), found.fix());
    }

    @Test
    void theGuestsManifestIsShownOnTheSameLineAsTheCachesForTheSameFile() throws Exception {
        Path manifest = StandInManifest.besideBox(cachedBoxWithManifest());
        GuestOs guest = new ChecksOnly(List.of(new GuestCheck("manifest in the guest",
                StandInGuest.manifestScript(manifest.toString()), "-")));
        try (SshGuestShell shell = new SshGuestShell(ssh.keyTarget(), SshGuestShell.Keepalive.DEFAULT)) {
            LabDoctor.Finding inGuest = LabDoctor.guest(shell, guest).get(1);

            assertEquals(LabDoctor.Finding.Status.OK, inGuest.status());
            assertEquals(LabDoctor.cachedManifest(dir.resolve("cache")).detail(),
                    inGuest.detail() + " (" + manifest + ")");
        }
    }

    @Test
    void aGuestWithoutAManifestWarnsThatItsBoxPredatesManifests() {
        String missing = dir.resolve("no-manifest").toString();
        GuestOs guest = new ChecksOnly(List.of(new GuestCheck("manifest in the guest",
                StandInGuest.manifestScript(missing), "-")));
        try (SshGuestShell shell = new SshGuestShell(ssh.keyTarget(), SshGuestShell.Keepalive.DEFAULT)) {
            LabDoctor.Finding inGuest = LabDoctor.guest(shell, guest).get(1);

            assertEquals(List.of(LabDoctor.Finding.Status.WARN, "no " + missing + ": the box was built before boxes"
                    + " recorded what they are made of"), List.of(inGuest.status(), inGuest.detail()));
        }
    }

    @Test
    void aGuestThatIsNotTheStandInFailsTheLoginCheckAndTheBoxCheckWithTheirFixes() {
        try (SshGuestShell shell = new SshGuestShell(ssh.keyTarget(), SshGuestShell.Keepalive.DEFAULT)) {
            List<LabDoctor.Finding> findings = LabDoctor.guest(shell, new StandInGuest());

            assertEquals(LabDoctor.Finding.Status.FAIL, find(findings, "SSH login").status());
            LabDoctor.Finding box = find(findings, "stand-in box");
            assertEquals(new LabDoctor.Finding("stand-in box", LabDoctor.Finding.Status.FAIL, "not the stand-in box",
                    "use the box scripts/build-standin-box.sh builds (vagrant box add --name xidlab/standin-linux ...)"),
                    box);
        }
    }

    @Test
    void aCheckPassesOnItsOwnExitCodeWarnsOnTwoAndFailsOnAnythingElse() {
        GuestOs guest = new ChecksOnly(List.of(new GuestCheck("passes", "echo fine", "-"),
                new GuestCheck("warns", "echo slower; exit 2", "fix w"),
                new GuestCheck("fails", "echo broken; exit 1", "fix f"),
                new GuestCheck("exit code kept", "exit 3", "fix e", 3)));
        try (SshGuestShell shell = new SshGuestShell(ssh.keyTarget(), SshGuestShell.Keepalive.DEFAULT)) {
            List<LabDoctor.Finding> findings = LabDoctor.guest(shell, guest);

            assertEquals(List.of("OK fine", "WARN slower", "FAIL broken", "OK exit 3"), findings.subList(1, 5).stream()
                    .map(f -> f.status() + " " + f.detail()).toList());
        }
    }

    @Test
    void aGuestThatDoesNotAnswerFailsTheLoginWithTheWayToGiveItOne() throws Exception {
        int port = ssh.port();
        ssh.close();
        try (SshGuestShell shell = new SshGuestShell(ssh.keyTarget().withPort(port), SshGuestShell.Keepalive.DEFAULT)) {
            List<LabDoctor.Finding> findings = LabDoctor.guest(shell, new WindowsGuest());

            assertEquals(1, findings.size());
            assertEquals(LabDoctor.Finding.Status.FAIL, findings.get(0).status());
            assertTrue(findings.get(0).fix().contains("administrators_authorized_keys"), findings.get(0).fix());
        }
    }

    /** A guest with only a check list, run by the shell as it is: the doctor's reading of exit codes. */
    private record ChecksOnly(List<GuestCheck> checks) implements GuestOs {
        public String name() { return "checks"; }
        public boolean standIn() { return true; }
        public Optional<Libvirt.PanicModel> panicModel(Acceleration a) { return Optional.empty(); }
        public String commandLine(String script) { return script; }
        public String identityScript() { return "echo checks"; }
        public boolean isThisOs(CommandResult identity) { return identity.succeeded(); }
        public String home() { throw new UnsupportedOperationException(); }
        public String provisionedScript() { throw new UnsupportedOperationException(); }
        public String installPackageScript(dev.xidlab.lab.ForeignDriver d) { throw new UnsupportedOperationException(); }
        public String uninstallPackageScript(dev.xidlab.lab.ForeignDriver d) { throw new UnsupportedOperationException(); }
        public Optional<String> installSitePackageScript(dev.xidlab.lab.SitePackage p) { return Optional.empty(); }
        public String probeScript(String command) { throw new UnsupportedOperationException(); }
        public String makeDirectoryScript(String path) { throw new UnsupportedOperationException(); }
        public String prepareScript() { throw new UnsupportedOperationException(); }
        public String sha256Script(String guestPath) { throw new UnsupportedOperationException(); }
        public String flushScript(List<String> guestPaths) { throw new UnsupportedOperationException(); }
        public String bootLogScript() { throw new UnsupportedOperationException(); }
        public String javaScript() { throw new UnsupportedOperationException(); }
        public List<Upload> driverUploads(Path driverDir, Path vagrantDir) { throw new UnsupportedOperationException(); }
        public String installDriverScript() { throw new UnsupportedOperationException(); }
        public String agentCommandLine(String jar) { throw new UnsupportedOperationException(); }
        public String markScript(String runId) { throw new UnsupportedOperationException(); }
        public String readMarkScript() { throw new UnsupportedOperationException(); }
        public String listDumpsScript() { throw new UnsupportedOperationException(); }
        public List<GuestDump> parseDumps(String listing) { throw new UnsupportedOperationException(); }
        public String startLoadScript(String jar, List<String> args, String runId) { throw new UnsupportedOperationException(); }
        public String loadStatusScript(String runId) { throw new UnsupportedOperationException(); }
        public List<String> loadLogPaths(String runId) { throw new UnsupportedOperationException(); }
        public Optional<String> bugcheckEventsScript(String cursor) { throw new UnsupportedOperationException(); }
        public Optional<String> crashNowScript() { throw new UnsupportedOperationException(); }
        public List<String> kernelImages() { throw new UnsupportedOperationException(); }
    }
}
