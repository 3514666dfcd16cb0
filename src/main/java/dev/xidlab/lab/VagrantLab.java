package dev.xidlab.lab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xidlab.crash.BugcheckEvent;
import dev.xidlab.crash.CrashDump;
import dev.xidlab.crash.DumpFormatException;
import dev.xidlab.crash.DumpReader;
import dev.xidlab.crash.EventLogReader;
import dev.xidlab.device.Device;
import dev.xidlab.device.IoctlDevice;
import dev.xidlab.protocol.DriverStats;
import dev.xidlab.stress.StressProfile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A Windows VM brought up from {@code vagrant/} (libvirt): the same {@link Lab} as the kernel model, so plans,
 * the matrix and its reports run on it unchanged. The guest runs the xidlab jar itself for the load
 * ({@code stress --lab local}) and as the driver's controller ({@code driver raw}); the host only carries bytes.
 *
 * <p>A bugcheck is seen from outside, as a crashed machine can say nothing: the load's ssh session dies and the
 * guest comes back (CrashControl AutoReboot) with a later LastBootUpTime. The host then fetches the minidumps
 * written since the run began and the System log's events 1001 and Kernel-Power 41, and reads them with the
 * same collector as any dump. A guest that hangs instead is reset ({@code vagrant halt --force}, {@code up}).
 */
public final class VagrantLab implements Lab {

    static final String GUEST_HOME = "C:\\xidlab";
    static final String GUEST_JAR = GUEST_HOME + "\\xidlab.jar";
    static final String DEFAULT_BOX = "xidlab/windows";
    private static final Duration QUICK = Duration.ofMinutes(2);
    private static final Duration UPLOAD = Duration.ofMinutes(10);
    private static final Duration POLL_INTERVAL = Duration.ofSeconds(15);
    private static final Duration LOAD_GRACE = Duration.ofMinutes(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Where the lab's parts are: the checkout (vagrant/, target/driver, target/xidlab.jar) and the host's KVM. */
    public record Setup(Path home, String box, Path kvmDevice, Duration bootTimeout) {

        public Path vagrantDir() {
            return home.resolve("vagrant");
        }

        public Path driverDir() {
            return home.resolve("target").resolve("driver");
        }

        public Path jar() {
            return home.resolve("target").resolve("xidlab.jar");
        }

        public Path installScript() {
            return vagrantDir().resolve("provision").resolve("install-driver.ps1");
        }
    }

    /** Sleeps between polls of a rebooting guest; tests pass one that does not. */
    interface Pause {
        void sleep(Duration duration) throws InterruptedException;
    }

    private final Setup setup;
    private final CommandRunner runner;
    private final VagrantGuest guest;
    private final Pause pause;
    private final Clock clock;
    private boolean available;
    private boolean uploaded;
    private Instant bootTime;

    public VagrantLab(Setup setup, CommandRunner runner) {
        this(setup, runner, d -> Thread.sleep(d.toMillis()), Clock.systemUTC());
    }

    VagrantLab(Setup setup, CommandRunner runner, Pause pause, Clock clock) {
        this.setup = setup;
        this.runner = runner;
        this.guest = new VagrantGuest(runner, setup.vagrantDir());
        this.pause = pause;
        this.clock = clock;
    }

    @Override
    public String name() {
        return Labs.VAGRANT;
    }

    @Override
    public void checkAvailable() {
        if (available) {
            return;
        }
        if (!Files.isRegularFile(setup.vagrantDir().resolve("Vagrantfile"))) {
            throw new LabUnavailableException("no Vagrantfile in " + setup.vagrantDir()
                    + " (run xidlab from its checkout or set XIDLAB_HOME)");
        }
        CommandResult version;
        try {
            version = guest.vagrant(QUICK, "--version");
        } catch (LabUnavailableException e) {
            throw e.getMessage().endsWith("(not found on PATH)")
                    ? new LabUnavailableException(e.getMessage() + ": apt-get install vagrant vagrant-libvirt,"
                    + " or XIDLAB_VAGRANT=container to run vagrant-libvirt's container image") : e;
        }
        if (!version.succeeded()) {
            throw new LabUnavailableException("vagrant does not run: " + version.lastErrorLine());
        }
        CommandResult plugins = guest.vagrant(QUICK, "plugin", "list");
        if (!plugins.succeeded() || !plugins.stdout().contains("vagrant-libvirt")) {
            throw new LabUnavailableException("the vagrant-libvirt plugin is missing (apt-get install vagrant-libvirt)");
        }
        if (!Files.isReadable(setup.kvmDevice()) || !Files.isWritable(setup.kvmDevice())) {
            throw new LabUnavailableException("no usable " + setup.kvmDevice() + ": this host cannot run a VM with"
                    + " hardware virtualization, and an emulated Windows guest is too slow to reach the crash");
        }
        CommandResult boxes = guest.vagrant(QUICK, "box", "list");
        if (!boxes.succeeded() || boxes.stdout().lines().noneMatch(l -> l.startsWith(setup.box() + " "))) {
            throw new LabUnavailableException("no Vagrant box '" + setup.box() + "': add a Windows 10/11 x64 box with"
                    + " OpenSSH server (vagrant box add --name " + setup.box() + " ...) or set XIDLAB_BOX");
        }
        if (!Files.isRegularFile(setup.driverDir().resolve("xidfilter.sys")) || !Files.isRegularFile(setup.jar())) {
            throw new LabUnavailableException("build the driver and the jar first: mvn package (they go to "
                    + setup.driverDir() + " and " + setup.jar() + ")");
        }
        available = true;
    }

    @Override
    public void boot() {
        checkAvailable();
        CommandResult up = guest.vagrant(setup.bootTimeout(), "up", "--provider=libvirt");
        if (!up.succeeded()) {
            throw new LabException("vagrant up failed: " + up.lastErrorLine());
        }
        bootTime = guestBootTime().orElseThrow(() -> new LabException("the guest is up but does not answer over ssh"));
    }

    @Override
    public Device deployDriver() {
        if (bootTime == null) {
            throw new LabException("the Vagrant lab is not booted");
        }
        if (!uploaded) {
            if (!guest.powershell("java -version; exit $LASTEXITCODE", QUICK).succeeded()) {
                throw new LabException("the guest has no working java (a JRE 17+ runs the xidlab jar there):"
                        + " provision again with XIDLAB_GUEST_JRE_MSI set, or use a box with Java");
            }
            guest.powershellOrFail("making " + GUEST_HOME, "New-Item -ItemType Directory -Force -Path "
                    + VagrantGuest.quote(GUEST_HOME + "\\driver") + " | Out-Null", QUICK);
            // File by file: scp of a directory onto an existing one nests it (driver/driver) on some versions.
            for (Path file : driverFiles()) {
                guest.upload(file, GUEST_HOME + "\\driver\\" + file.getFileName(), UPLOAD);
            }
            guest.upload(setup.jar(), GUEST_JAR, UPLOAD);
            guest.upload(setup.installScript(), GUEST_HOME + "\\install-driver.ps1", UPLOAD);
            uploaded = true;
        }
        guest.powershellOrFail("installing xidfilter", "& " + VagrantGuest.quote(GUEST_HOME + "\\install-driver.ps1")
                + " -From " + VagrantGuest.quote(GUEST_HOME + "\\driver"), QUICK);
        return guestDevice();
    }

    /** The driver in the guest, through {@code xidlab driver raw} there. */
    private Device guestDevice() {
        return new IoctlDevice(new GuestTransport(guest, GUEST_JAR));
    }

    @Override
    public RunOutcome stress(StressProfile profile, long seed, Path evidenceDir) {
        if (bootTime == null) {
            throw new LabException("the Vagrant lab is not booted");
        }
        Instant runBoot = bootTime;
        Instant started = clock.instant();
        Duration loadTimeout = (profile.budget().time() == null ? Duration.ZERO : profile.budget().time())
                .plus(LOAD_GRACE);
        CommandResult load = guest.powershell(loadScript(profile, seed), loadTimeout);
        Optional<JsonNode> report = parse(load.stdout());
        if (load.succeeded() && report.isPresent() && "survived".equals(report.get().path("outcome").asText())) {
            DriverStats stats;
            try (Device device = guestDevice()) {
                stats = device.stats();
            } catch (RuntimeException e) {
                return new RunOutcome.LabFailure("the guest survived but its telemetry could not be read: "
                        + e.getMessage(), since(started));
            }
            return new RunOutcome.Survived(report.get().path("operations").asLong(), since(started), stats);
        }
        Optional<Instant> after = awaitGuest(runBoot, load.timedOut());
        if (after.isEmpty()) {
            return new RunOutcome.LabFailure("the guest did not come back within " + setup.bootTimeout().toMinutes()
                    + " minutes after the load ended (" + load.lastErrorLine() + ")", since(started));
        }
        bootTime = after.get();
        if (!after.get().isAfter(runBoot)) {
            return new RunOutcome.LabFailure("the load failed in the guest without a reboot: "
                    + load.lastErrorLine(), since(started));
        }
        return collect(runBoot, evidenceDir, since(started));
    }

    private List<Path> driverFiles() {
        try (var files = Files.list(setup.driverDir())) {
            return files.filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new LabException("cannot list the built driver in " + setup.driverDir() + ": " + e.getMessage(), e);
        }
    }

    /** The guest's {@code xidlab stress} on the driver as the host configured it, reporting JSON. */
    static String loadScript(StressProfile profile, long seed) {
        StringBuilder s = new StringBuilder("java -jar ").append(VagrantGuest.quote(GUEST_JAR))
                .append(" stress --lab local --as-configured --json")
                .append(" --workers ").append(profile.workers())
                .append(" --processes ").append(profile.processes())
                .append(" --mix ").append(profile.mix().label())
                .append(" --pressure ").append(profile.pressure().label())
                .append(" --seed ").append(seed);
        if (profile.budget().operations() > 0) {
            s.append(" --operations ").append(profile.budget().operations());
        }
        if (profile.budget().time() != null) {
            s.append(" --seconds ").append(Math.max(1, profile.budget().time().toSeconds()));
        }
        return s.append("; exit $LASTEXITCODE").toString();
    }

    /**
     * Waits for the guest to answer again and returns its boot time. A load that hung past its timeout means a
     * hung guest (a bugcheck without AutoReboot, a deadlock): it is reset first.
     */
    private Optional<Instant> awaitGuest(Instant runBoot, boolean hung) {
        if (hung) {
            guest.vagrant(QUICK, "halt", "--force");
            CommandResult up = guest.vagrant(setup.bootTimeout(), "up", "--provider=libvirt");
            if (!up.succeeded()) {
                return Optional.empty();
            }
        }
        Instant deadline = clock.instant().plus(setup.bootTimeout());
        while (true) {
            Optional<Instant> now = guestBootTime();
            if (now.isPresent()) {
                return now;
            }
            if (!clock.instant().isBefore(deadline)) {
                return Optional.empty();
            }
            try {
                pause.sleep(POLL_INTERVAL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
    }

    private Optional<Instant> guestBootTime() {
        CommandResult r = guest.powershell("(Get-CimInstance Win32_OperatingSystem).LastBootUpTime"
                + ".ToUniversalTime().ToString('o')", QUICK);
        if (!r.succeeded()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(r.stdout().strip().replaceFirst("(\\.\\d{1,9})\\d*Z$", "$1Z")));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    /** Fetches what the crash left since {@code runBoot}: minidumps, then the bugcheck events; reads them. */
    private RunOutcome collect(Instant runBoot, Path evidenceDir, Duration elapsed) {
        List<Path> evidence = new ArrayList<>();
        List<CrashDump> dumps = new ArrayList<>();
        List<BugcheckEvent> events = new ArrayList<>();
        String since = VagrantGuest.quote(runBoot.toString());
        try {
            Files.createDirectories(evidenceDir);
            String listing = guest.powershellOrFail("fetching the minidumps",
                    "$since = [datetime]::Parse(" + since + ").ToUniversalTime();"
                            + " Get-ChildItem -Path \"$env:SystemRoot\\Minidump\" -Filter *.dmp -ErrorAction"
                            + " SilentlyContinue | Where-Object { $_.LastWriteTimeUtc -gt $since } | ForEach-Object {"
                            + " $_.Name + ' ' + [Convert]::ToBase64String([IO.File]::ReadAllBytes($_.FullName)) }",
                    UPLOAD);
            for (String line : listing.lines().map(String::strip).filter(l -> !l.isEmpty()).toList()) {
                int space = line.indexOf(' ');
                String name = space < 0 ? "" : Path.of(line.substring(0, space)).getFileName().toString();
                if (!name.toLowerCase(Locale.ROOT).endsWith(".dmp")) {
                    throw new LabException("the guest's dump listing is garbled: " + abbreviate(line));
                }
                Path target = evidenceDir.resolve(name);
                Files.write(target, Base64.getDecoder().decode(line.substring(space + 1)));
                evidence.add(target);
                try {
                    dumps.add(DumpReader.read(target));
                } catch (DumpFormatException e) {
                    // Kept as evidence; a half-written dump (the guest lost power while writing) tells nothing.
                }
            }
            String eventsXml = guest.powershellOrFail("exporting the bugcheck events",
                    "$since = [datetime]::Parse(" + since + ").ToUniversalTime().ToString('o');"
                            + " wevtutil qe System /f:xml \"/q:*[System[(EventID=1001 or EventID=41) and"
                            + " TimeCreated[@SystemTime>='$since']]]\"", QUICK);
            if (!eventsXml.isBlank()) {
                Path target = evidenceDir.resolve("system-events.xml");
                Files.writeString(target, eventsXml, StandardCharsets.UTF_8);
                evidence.add(target);
                events.addAll(EventLogReader.parse(eventsXml, target.toString()));
            }
        } catch (IOException e) {
            throw new LabException("cannot keep the guest's evidence in " + evidenceDir + ": " + e.getMessage(), e);
        } catch (DumpFormatException | IllegalArgumentException | LabException e) {
            return new RunOutcome.LabFailure("the guest rebooted, but its evidence could not be read: "
                    + e.getMessage(), elapsed);
        }
        Optional<CrashDump> newest = dumps.stream().max(Comparator.comparing(d -> d.header().systemTime()));
        if (newest.isPresent()) {
            var bugcheck = newest.get().header().bugcheck();
            return new RunOutcome.Bugchecked(bugcheck.code(), bugcheck.parameters(),
                    Optional.of(newest.get().file()), evidence, 0, elapsed, Optional.empty());
        }
        Optional<BugcheckEvent> event = events.stream().max(Comparator.comparing(BugcheckEvent::time));
        if (event.isPresent()) {
            var bugcheck = event.get().bugcheck();
            return new RunOutcome.Bugchecked(bugcheck.code(), bugcheck.parameters(), Optional.empty(), evidence, 0,
                    elapsed, Optional.empty());
        }
        return new RunOutcome.LabFailure("the guest rebooted during the load but left no dump and no bugcheck event"
                + " (is CrashControl set? see vagrant/provision/guest-setup.ps1)", elapsed);
    }

    private static Optional<JsonNode> parse(String stdout) {
        String text = stdout.strip();
        int brace = text.indexOf('{');
        if (brace < 0) {
            return Optional.empty();
        }
        try {
            return Optional.ofNullable(JSON.readTree(text.substring(brace)));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private static String abbreviate(String line) {
        return line.length() <= 60 ? line : line.substring(0, 60) + "...";
    }

    private Duration since(Instant started) {
        return Duration.between(started, clock.instant());
    }

    @Override
    public void close() {
        // The guest stays up between invocations (booting Windows costs minutes; `vagrant halt` stops it); only
        // what the runner holds, a vagrant-libvirt container, goes.
        runner.close();
    }
}
