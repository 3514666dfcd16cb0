package dev.xidlab.lab.vm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.xidlab.crash.BugcheckEvent;
import dev.xidlab.device.Device;
import dev.xidlab.device.IoctlDevice;
import dev.xidlab.device.ModelOptions;
import dev.xidlab.dump.Bugcheck;
import dev.xidlab.dump.CrashDump;
import dev.xidlab.lab.Lab;
import dev.xidlab.lab.LabException;
import dev.xidlab.lab.LabName;
import dev.xidlab.lab.LabUnavailableException;
import dev.xidlab.lab.RunOutcome;
import dev.xidlab.lab.runner.CommandResult;
import dev.xidlab.lab.runner.CommandRunner;
import dev.xidlab.load.StressProfile;
import dev.xidlab.protocol.DriverStats;
import dev.xidlab.site.Environment;
import dev.xidlab.site.ResidentFilter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A VM brought up from {@code vagrant/} (libvirt), running the same plans as the kernel model. Vagrant keeps the
 * VM's life, an SSH connection carries everything said to the guest, the guest's OS-specific commands come from
 * its {@link GuestOs}, and libvirt tells the host the moment the guest crashes.
 *
 * <p>A run: mark the guest (a marker only a reboot destroys) and list its dumps, start the load detached, then
 * watch three things until one speaks. The hypervisor's panic device ({@code crashed (panicked)}: the guest is
 * resumed so it writes its dump and reboots); the load's result file (survived, or its own failure); the
 * connection (a crashed guest stops answering keepalives). After a crash signal the guest must come back without
 * its marker, and the evidence is collected by {@link Evidence}'s waiting rule. A load whose bound passes without
 * its result (a status query that times out is no answer yet, never a lab error), or a guest that stops answering
 * and does not reboot, is a hang: an outcome of the driver under test. The lab then sends the guest an NMI, which
 * makes it bugcheck and write its dump, follows the crash path, and resets only a guest that does not come back.
 */
public final class VagrantLab implements Lab {

    public static final String DEFAULT_BOX = "xidlab/windows";
    private static final Duration QUICK = Duration.ofMinutes(2);
    private static final Duration HALT = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The guest's size, as the Vagrantfiles read it. */
    static final String GUEST_CPUS = "XIDLAB_GUEST_CPUS";
    static final String GUEST_MEMORY = "XIDLAB_GUEST_MEMORY";

    /**
     * Where the lab's parts are and how long things may take.
     *
     * @param home             the checkout: vagrant/, target/driver, target/xidlab.jar
     * @param box              the Vagrant box; {@value StandInGuest#BOX} is the stand-in guest
     * @param allowStandIn     whether a stand-in box may be used (never by accident)
     * @param bootTimeout      one boot or reboot of an existing machine
     * @param firstBootTimeout creating the machine: box import, first start, provisioning, its reboot
     * @param loadGrace        how long a load may run past its time budget before it is a hang
     * @param password         the guest account's password, for boxes without a key for us
     * @param environment      more for the Vagrantfile to read (XIDLAB_DOMAIN_PREFIX, guest sizes)
     * @param site             the customer's machine the plan stands for: the guest's build is checked against it
     *                         and the guest's file-system filters compared with its co-resident ones
     * @param allowBuildMismatch run on a box of another Windows build than the site's, with a warning in every report
     * @param standInModel     the kernel model's options for the stand-in guest's load (its "kernel" is the model;
     *                         a plan's model block): a Windows guest's real kernel has its own behaviour
     */
    public record Setup(Path home, String box, boolean allowStandIn, Duration bootTimeout, Duration firstBootTimeout,
                        Duration loadGrace, Optional<String> password, Map<String, String> environment,
                        Optional<Environment> site, boolean allowBuildMismatch, ModelOptions standInModel) {

        public Setup {
            environment = Map.copyOf(environment);
        }

        public Setup(Path home, String box, boolean allowStandIn, Duration bootTimeout, Duration firstBootTimeout,
                     Duration loadGrace, Optional<String> password, Map<String, String> environment) {
            this(home, box, allowStandIn, bootTimeout, firstBootTimeout, loadGrace, password, environment,
                    Optional.empty(), false, ModelOptions.DEFAULTS);
        }

        /** The same lab, its stand-in guest's model set up with these options (a plan's model block). */
        public Setup withStandInModel(ModelOptions model) {
            return new Setup(home, box, allowStandIn, bootTimeout, firstBootTimeout, loadGrace, password, environment,
                    site, allowBuildMismatch, model);
        }

        /**
         * The lab for a site: the guest gets the site's processors and memory (XIDLAB_GUEST_CPUS and
         * XIDLAB_GUEST_MEMORY, which the Vagrantfiles read; where the dumps did not record the memory the
         * Vagrantfile's default stays), as far as this host has them ({@link HostCapacity}; what is cut is said
         * in every report by {@link #judgeSite}), and its build and filters are checked against the site's.
         */
        public Setup forSite(Environment site, boolean allowMismatch, HostCapacity host) {
            Map<String, String> sized = new java.util.HashMap<>(environment);
            site.processors().ifPresent(p -> sized.put(GUEST_CPUS, String.valueOf(Math.min(p, host.processors()))));
            site.memoryMiB().ifPresent(m -> sized.put(GUEST_MEMORY,
                    String.valueOf(host.guestMemoryLimitMiB().map(limit -> Math.min(m, limit)).orElse(m))));
            return new Setup(home, box, allowStandIn, bootTimeout, firstBootTimeout, loadGrace, password, sized,
                    Optional.of(site), allowMismatch, standInModel);
        }

        public GuestOs guest() {
            String memory = environment.getOrDefault(GUEST_MEMORY, "");
            return box.equals(StandInGuest.BOX) ? new StandInGuest() : new WindowsGuest(memory.strip().matches("\\d{1,9}")
                    ? java.util.OptionalInt.of(Integer.parseInt(memory.strip())) : java.util.OptionalInt.empty());
        }

        public Path vagrantDir() {
            return guest().standIn() ? home.resolve("vagrant").resolve("standin") : home.resolve("vagrant");
        }

        public Path driverDir() {
            return home.resolve("target").resolve("driver");
        }

        public Path jar() {
            return home.resolve("target").resolve("xidlab.jar");
        }
    }

    /** How the host learned that a run's guest went down, and when it answered again. */
    public enum Signal { PANIC_DEVICE, POWERED_OFF, SESSION_LOST }

    /** One crash as the host saw it: for the figures (detection, reboot to ready) and the run's notes. */
    public record CrashSighting(Signal signal, Instant detected, Instant answering, Instant collected) {

        public Duration rebootToReady() {
            return Duration.between(detected, answering);
        }
    }

    /** Timing of the watch; tests shorten it. */
    record Pace(Duration poll, int loadPollEvery, Duration reconnectPause, Duration evidenceBound,
                Duration evidenceInterval) {

        static Pace of(GuestOs guest) {
            return new Pace(Duration.ofSeconds(2), 3, Duration.ofSeconds(1),
                    guest.standIn() ? Duration.ofMinutes(2) : Duration.ofMinutes(10), Duration.ofSeconds(5));
        }
    }

    private final Setup setup;
    private final GuestOs guest;
    private final CommandRunner vagrantRunner;
    private final Libvirt libvirt;
    private final Supplier<Acceleration> accelerationProbe;
    private final Function<SshTarget, GuestShell> shells;
    private final Pace pace;
    private final Clock clock;
    private final List<CrashSighting> sightings = new ArrayList<>();
    private final LabTrace trace = new LabTrace();
    private RunEvidence runEvidence;
    /** A run whose kernel dump had not been written when its wait ended: a dump that comes later is its. */
    private final Evidence.Ledger lateDumps = new Evidence.Ledger();
    private Acceleration acceleration;
    private VagrantMachine machine;
    private GuestShell shell;
    private String domain;
    private String domainName;
    private boolean available;
    private boolean ready;
    private boolean uploaded;
    private boolean driverLoaded;
    private boolean siteChecked;
    private final List<String> siteNotices = new ArrayList<>();

    public VagrantLab(Setup setup, CommandRunner vagrantRunner, Libvirt libvirt,
                      Supplier<Acceleration> accelerationProbe) {
        this(setup, vagrantRunner, libvirt, accelerationProbe,
                target -> new SshGuestShell(target, SshGuestShell.Keepalive.DEFAULT), null, Clock.systemUTC());
    }

    VagrantLab(Setup setup, CommandRunner vagrantRunner, Libvirt libvirt, Supplier<Acceleration> accelerationProbe,
               Function<SshTarget, GuestShell> shells, Pace pace, Clock clock) {
        this.setup = setup;
        this.guest = setup.guest();
        this.vagrantRunner = vagrantRunner;
        this.libvirt = libvirt;
        this.accelerationProbe = accelerationProbe;
        this.shells = shells;
        this.pace = pace == null ? Pace.of(guest) : pace;
        this.clock = clock;
    }

    @Override
    public String name() {
        return LabName.VAGRANT;
    }

    @Override
    public Optional<String> notice() {
        List<String> notices = new ArrayList<>();
        if (guest.standIn()) {
            notices.add(StandInGuest.NOTICE);
            StandInGuest.modelNotice(setup.standInModel()).ifPresent(notices::add);
        }
        notices.addAll(siteNotices);
        return notices.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", notices));
    }

    /**
     * Compares the booted guest with the plan's site, once: a box of another Windows build is refused (the reason
     * says which builds) unless the setup allows it, which every report then says; the site's co-resident filters
     * the guest does not have loaded are listed, and the environment is partial (their binaries are the customer's:
     * xidlab cannot install them).
     */
    private void checkSite(CommandResult identity) {
        if (siteChecked || setup.site().isEmpty()) {
            return;
        }
        List<String> loaded = guest.filtersScript().map(script -> exec(script, QUICK))
                .filter(CommandResult::succeeded).map(r -> guest.parseFilters(r.stdout())).orElse(List.of());
        siteNotices.addAll(judgeSite(setup, guest.windowsBuild(identity), loaded));
        siteChecked = true;
    }

    /**
     * What every report must say of a guest of this build with these filters loaded, standing for the setup's site.
     *
     * @throws LabUnavailableException for a box of another build than the site's, unless the setup allows it
     */
    static List<String> judgeSite(Setup setup, Optional<Integer> build, List<String> loaded) {
        Environment site = setup.site().orElseThrow();
        List<String> notices = new ArrayList<>();
        if (site.build().isPresent()) {
            if (build.isEmpty()) {
                notices.add("the guest has no Windows build to check against the site's " + site.build().get());
            } else if (!build.equals(site.build())) {
                String mismatch = "the box " + setup.box() + " runs Windows build " + build.get() + ", the site's"
                        + " dumps build " + site.build().get();
                if (!setup.allowBuildMismatch()) {
                    throw new LabUnavailableException(mismatch + ": use a box of that build, or --allow-build-mismatch"
                            + " to run anyway");
                }
                notices.add("WARNING: " + mismatch + " (--allow-build-mismatch)");
            }
        }
        sizeNotice(site.processors(), setup.environment().get(GUEST_CPUS), "processors")
                .ifPresent(notices::add);
        sizeNotice(site.memoryMiB(), setup.environment().get(GUEST_MEMORY), "MiB of memory")
                .ifPresent(notices::add);
        List<String> lacking = site.filters().stream().map(ResidentFilter::module)
                .filter(m -> loaded.stream().noneMatch(l -> sameFilter(l, m))).toList();
        if (!lacking.isEmpty()) {
            notices.add("environment partial: the guest lacks " + lacking.size() + " of the site's "
                    + site.filters().size() + " co-resident filters (" + String.join(", ", lacking) + ")");
        }
        return notices;
    }

    /** "environment partial: the guest has 2 of the site's 16 processors (all this host has)" where it was cut. */
    private static Optional<String> sizeNotice(Optional<Integer> site, String guest, String what) {
        if (site.isEmpty() || guest == null || Integer.parseInt(guest) >= site.get()) {
            return Optional.empty();
        }
        return Optional.of("environment partial: the guest has " + guest + " of the site's " + site.get() + " "
                + what + " (all this host can give)");
    }

    /** fltmc names a filter by its service ("WdFilter"), a dump by its image ("WdFilter.sys"). */
    static boolean sameFilter(String loaded, String module) {
        String image = module.toLowerCase(java.util.Locale.ROOT);
        String name = loaded.toLowerCase(java.util.Locale.ROOT);
        return image.equals(name) || image.equals(name + ".sys");
    }

    /** What the site check found, for tests and reports. */
    public List<String> siteNotices() {
        return List.copyOf(siteNotices);
    }

    public GuestOs guest() {
        return guest;
    }

    /** The crashes this lab has seen, in order. */
    public List<CrashSighting> crashSightings() {
        return List.copyOf(sightings);
    }

    /** How the guest's CPU runs here (probed once). */
    public Acceleration acceleration() {
        if (acceleration == null) {
            acceleration = accelerationProbe.get();
        }
        return acceleration;
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
        if (guest.standIn() && !setup.allowStandIn()) {
            throw new LabUnavailableException("the box " + setup.box() + " is the stand-in guest (" + StandInGuest.NOTICE
                    + "): it proves the lab, not a driver; pass --allow-stand-in to use it anyway");
        }
        trace.step("checking vagrant, its plugin, libvirt and the box");
        VagrantMachine m = machine();
        m.version();
        if (!m.plugins().contains("vagrant-libvirt")) {
            throw new LabUnavailableException("the vagrant-libvirt plugin is missing (apt-get install vagrant-libvirt)");
        }
        libvirt.unreachableReason().ifPresent(reason -> {
            throw new LabUnavailableException(reason + " (start libvirtd, and virtlogd)");
        });
        if (!m.boxes().contains(setup.box())) {
            throw new LabUnavailableException("no Vagrant box '" + setup.box() + "' for libvirt: " + (guest.standIn()
                    ? "build it with scripts/build-standin-box.sh and vagrant box add --name " + StandInGuest.BOX + " FILE"
                    : "add a Windows 10/11 x64 box that meets vagrant/README.md's requirements (vagrant box add --name "
                    + setup.box() + " ...), or set XIDLAB_BOX"));
        }
        if (!Files.isRegularFile(setup.jar())
                || (!guest.standIn() && !Files.isRegularFile(setup.driverDir().resolve("xidfilter.sys")))) {
            throw new LabUnavailableException("build the driver and the jar first: mvn package (they go to "
                    + setup.driverDir() + " and " + setup.jar() + ")");
        }
        trace.step("the lab can run here: " + acceleration().describe());
        available = true;
    }

    private VagrantMachine machine() {
        if (machine == null) {
            Map<String, String> environment = new java.util.HashMap<>(setup.environment());
            environment.putAll(acceleration().vagrantEnvironment());
            // Vagrant's wait for a Windows guest's reboot (the provisioning's reboot step) is 120 s unless this says
            // otherwise, whatever boot_timeout is: a slow boot would fail the first up, and every start provision again.
            environment.putIfAbsent(VagrantMachine.REBOOT_WAIT, String.valueOf(setup.bootTimeout().toSeconds()));
            machine = new VagrantMachine(vagrantRunner, setup.vagrantDir(), environment);
        }
        return machine;
    }

    @Override
    public void boot() {
        checkAvailable();
        runEvidence().runBegins();
        if (ready && answers()) {
            return;
        }
        ready = false;
        Optional<String> id = machine().domainId();
        Libvirt.DomainState state = id.map(libvirt::state).orElse(null);
        if (state != null && state.crashed()) {
            // A crash no run watched (an interrupted matrix): let the guest finish it and reboot.
            libvirt.resume(id.get());
        }
        if (state == null || !state.running() && !state.crashed()) {
            trace.step(id.isEmpty() ? "vagrant up: creating the machine" : "vagrant up: starting the machine");
            machine().up(id.isEmpty() ? setup.firstBootTimeout() : setup.bootTimeout());
            rebooted();
        }
        domain = machine().domainId().orElseThrow(() -> new LabException("vagrant up left no libvirt domain in "
                + setup.vagrantDir().resolve(".vagrant")));
        domainName = libvirt.name(domain);
        Optional<Libvirt.PanicModel> panic = guest.panicModel(acceleration());
        if (panic.isPresent() && libvirt.ensureCrashSignal(domain, panic.get())) {
            // The panic device exists only from the domain's next start.
            trace.step("panic device added: restarting the machine so it exists");
            machine().halt(false, HALT);
            machine().up(setup.bootTimeout());
            rebooted();
        }
        trace.step("connecting over SSH");
        connect(setup.bootTimeout());
        CommandResult identity = exec(guest.identityScript(), QUICK);
        if (!guest.isThisOs(identity)) {
            throw new LabException("the box " + setup.box() + " is not a " + guest.name() + " guest (it answered: "
                    + identity.stdout().strip() + ")");
        }
        checkSite(identity);
        if (!exec(guest.provisionedScript(), QUICK).succeeded()) {
            // A guest that lost its setup (a box reused, provisioning interrupted): provision again.
            machine().provision(setup.firstBootTimeout());
            connect(setup.bootTimeout());
            rebooted();
        }
        trace.step("the guest is ready");
        ready = true;
    }

    /** The guest is up and its shell answers. */
    private boolean answers() {
        try {
            return libvirt.state(domain).running() && exec(guest.readMarkScript(), Duration.ofSeconds(30)).succeeded();
        } catch (LabException e) {
            return false;
        }
    }

    private void connect(Duration bound) {
        if (shell != null) {
            shell.close();
        }
        shell = shells.apply(machine().sshTarget(setup.password()));
        if (awaitMark(bound).isEmpty()) {
            throw new LabException("the guest is up but its SSH server does not answer at " + targetText());
        }
    }

    @Override
    public Device deployDriver() {
        if (!ready) {
            throw new LabException("the Vagrant lab is not booted");
        }
        String jar = guest.home() + "/xidlab.jar";
        if (!uploaded) {
            execOrFail("making " + guest.home(), guest.prepareScript(), QUICK);
            if (!exec(guest.javaScript(), QUICK).succeeded()) {
                throw new LabException("the guest has no working java (a JRE 17+ runs the xidlab jar there):"
                        + " provision again with XIDLAB_GUEST_JRE_MSI set, or use a box with Java");
            }
            trace.step("uploading the driver and the jar");
            List<GuestOs.Upload> uploads = new ArrayList<>(guest.driverUploads(setup.driverDir(), setup.vagrantDir()));
            uploads.add(new GuestOs.Upload(setup.jar(), jar));
            new GuestFiles(guest).ensure(shell, uploads);
            uploaded = true;
        }
        if (!driverLoaded) {
            trace.step("installing and loading the driver");
            execOrFail("installing and loading the driver", guest.installDriverScript(), QUICK);
            driverLoaded = true;
        }
        return new IoctlDevice(new GuestDevice(shell, guest, jar, trace));
    }

    /**
     * What a reboot undoes: the driver is no longer loaded, and the uploads are checked again (a panic loses what the
     * guest had not written back yet).
     */
    private void rebooted() {
        driverLoaded = false;
        uploaded = false;
    }

    @Override
    public RunOutcome stress(StressProfile profile, long seed, Path evidenceDir) {
        if (!ready) {
            throw new LabException("the Vagrant lab is not booted");
        }
        Instant started = clock.instant();
        String runId = "run-" + Long.toHexString(new SecureRandom().nextLong() & Long.MAX_VALUE);
        Evidence evidence = evidence();
        RunMark mark;
        List<GuestDump> before;
        try {
            // Proof that the guest was alive before the run: what a later silence is measured against.
            mark = new RunMark(runId, execOrFail("marking the guest", guest.markScript(runId), QUICK).strip());
            before = evidence.listing();
            List<String> arguments = new ArrayList<>(loadArguments(profile, seed));
            arguments.addAll(modelSwitches());
            execOrFail("starting the load", guest.startLoadScript(guest.home() + "/xidlab.jar", arguments, runId),
                    QUICK);
        } catch (LabException e) {
            return RunOutcome.LabFailure.beforeLoad("the guest was not ready for the run: " + e.getMessage(),
                    since(started));
        }
        trace.step("load " + runId + " started");
        Duration bound = loadBound(profile);
        Run run = new Run(runId, mark, before, evidence, evidenceDir, started, bound);
        Instant deadline = started.plus(bound);
        int falseAlarms = 0;
        for (int poll = 1; ; poll++) {
            sleep(pace.poll());
            Optional<DomainSignal> down = domainSignal();
            Signal signal = down.map(DomainSignal::signal).orElse(null);
            Optional<List<Long>> panicReport = down.flatMap(DomainSignal::panicReport);
            if (down.isEmpty() && poll % pace.loadPollEvery() == 0) {
                CommandResult status;
                try {
                    status = shell.exec(guest.commandLine(guest.loadStatusScript(runId)), QUICK);
                } catch (GuestUnreachableException e) {
                    status = null;
                    signal = Signal.SESSION_LOST;
                }
                if (status != null && status.timedOut()) {
                    // No answer yet, not a lab error: under low or high pressure every working set (sshd's and the
                    // shell's too) is emptied twice a second, and a file system stuck in the filter still answers
                    // SSH keepalives. The load's bound decides, and past it the run is a hang.
                    trace.step("the load's state did not come within " + QUICK.toSeconds() + " s: no answer yet");
                } else if (status != null) {
                    Optional<RunOutcome> ended = ended(status, started, evidenceDir);
                    if (ended.isPresent() && ended.get() instanceof RunOutcome.LabFailure) {
                        keepLoadLogs(runId, evidenceDir);
                    }
                    if (ended.isPresent()) {
                        trace.step("load " + runId + " ended");
                        return ended.get();
                    }
                }
                if (status != null && !clock.instant().isBefore(deadline)) {
                    return hang(run, "the load did not finish within its bound of " + bound.toSeconds() + " s"
                            + (status.timedOut() ? ", and the guest did not answer the query of its state within "
                            + QUICK.toSeconds() + " s" : " while the guest still answered"), !status.timedOut());
                }
            }
            if (signal == null) {
                continue;
            }
            Instant detected = clock.instant();
            trace.step(describe(signal) + ": waiting for the guest to answer");
            // The session can die before a poll sees the domain stopped at its crash notification (on_crash=preserve):
            // the domain is watched while the lab waits, so a crashed guest is resumed and its signal is the panic's.
            DomainWatch watch = new DomainWatch();
            Optional<String> markNow = awaitMark(setup.bootTimeout(), m -> true, watch);
            if (signal == Signal.SESSION_LOST && watch.signal != Signal.SESSION_LOST) {
                trace.step(describe(watch.signal) + " after the session died");
                signal = watch.signal;
                panicReport = watch.panicReport;
            }
            if (markNow.isEmpty()) {
                Libvirt.DomainState now = stateOrNull();
                if (now != null && now.running()) {
                    return hang(run, "the guest stopped answering and did not reboot within "
                            + setup.bootTimeout().toMinutes() + " min (" + describe(signal) + ")", false);
                }
                return new RunOutcome.LabFailure("the guest did not come back within " + setup.bootTimeout().toMinutes()
                        + " min after " + describe(signal) + " (libvirt: " + now + ")", since(started));
            }
            if (markNow.get().strip().equals(runId)) {
                // No reboot: the connection dropped (or a panic the guest survived); the load may still run.
                if (++falseAlarms > 3) {
                    return new RunOutcome.LabFailure("the connection to the guest kept dropping without a reboot",
                            since(started));
                }
                continue;
            }
            rebooted();
            Instant answering = clock.instant();
            trace.step("the guest rebooted: collecting its evidence");
            Evidence.Found found;
            try {
                found = evidence.collect(before, mark, evidenceDir);
            } catch (LabException e) {
                return new RunOutcome.LabFailure("the guest rebooted, but its evidence could not be fetched: "
                        + e.getMessage(), since(started));
            }
            sightings.add(new CrashSighting(signal, detected, answering, clock.instant()));
            return crashed(found, panicReport, signal, since(started));
        }
    }

    private Optional<RunOutcome> ended(CommandResult status, Instant started, Path evidenceDir) {
        String out = status.stdout().strip();
        if (!status.succeeded()) {
            return Optional.of(new RunOutcome.LabFailure("reading the load's state failed: " + status.lastErrorLine(),
                    since(started)));
        }
        if (out.startsWith("RESULT")) {
            String json = out.substring("RESULT".length()).strip();
            keep(json, evidenceDir);
            return Optional.of(result(json, started));
        }
        if (out.startsWith("ENDED")) {
            List<String> lines = out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
            String said = String.join(" / ", lines.subList(Math.max(1, lines.size() - 3), lines.size()));
            return Optional.of(new RunOutcome.LabFailure("the load ended without a result (exit "
                    + lines.get(0).substring("ENDED".length()).strip() + "): " + (said.isEmpty() ? "no output" : said),
                    since(started)));
        }
        return Optional.empty();
    }

    /**
     * A load that failed or hung leaves its output (and a JVM's fatal-error report) with the run, for whoever asks
     * why; returns the files kept.
     */
    private List<Path> keepLoadLogs(String runId, Path evidenceDir) {
        List<Path> kept = new ArrayList<>();
        for (String log : guest.loadLogPaths(runId)) {
            try {
                Path target = Evidence.unused(evidenceDir.resolve(log.substring(log.lastIndexOf('/') + 1)));
                shell.download(log, target);
                kept.add(target);
            } catch (LabException e) {
                // Not every load leaves every file (no fatal error, no report).
            }
        }
        return kept;
    }

    /** The guest's report stays with the run: it holds what the outcome does not (the pressure's every cycle). */
    private static void keep(String json, Path evidenceDir) {
        try {
            Files.createDirectories(evidenceDir);
            Files.writeString(Evidence.unused(evidenceDir.resolve("load.json")), json);
        } catch (IOException e) {
            // The outcome is read from the text itself; the copy is for the user.
        }
    }

    /** The guest's {@code stress --json} report: survived with the driver's telemetry, or the load's own failure. */
    private RunOutcome result(String json, Instant started) {
        JsonNode report;
        try {
            report = JSON.readTree(json);
        } catch (IOException e) {
            return new RunOutcome.LabFailure("the load's result is not JSON: " + e.getMessage(), since(started));
        }
        String outcome = report.path("outcome").asText();
        Optional<DriverStats> stats = stats(report.get("telemetry"));
        switch (outcome) {
            case "survived":
                if (stats.isEmpty()) {
                    return new RunOutcome.LabFailure("the load survived but reported no telemetry", since(started));
                }
                return new RunOutcome.Survived(report.path("operations").asLong(), since(started), stats.get());
            case "hung":
                return new RunOutcome.Hung(report.path("hang").asText("the load hung"),
                        Duration.ofSeconds(report.path("boundSeconds").asLong()), report.path("operations").asLong(),
                        since(started), stats, List.of());
            case "lab-error":
                // Excused only when the guest's own lab says its step failed before the load started.
                return new RunOutcome.LabFailure("the load failed in the guest: " + report.path("reason").asText(),
                        since(started), "before-load".equals(report.path("phase").asText())
                        ? RunOutcome.LabFailure.Phase.BEFORE_LOAD : RunOutcome.LabFailure.Phase.AFTER_LOAD);
            default:
                return new RunOutcome.LabFailure("the load reported '" + outcome + "' without the guest going down",
                        since(started));
        }
    }

    private static Optional<DriverStats> stats(JsonNode telemetry) {
        if (telemetry == null || telemetry.isNull()) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.treeToValue(telemetry, DriverStats.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /**
     * A bugcheck as the evidence shows it: a dump first, the event log next, the hypervisor's report last. Of the
     * dumps, the kernel memory dump is the one the run is judged by: a double fault's exhausted thread stack is
     * behind its trap frame, which a kernel dump holds and a minidump may not (both stay as evidence).
     */
    RunOutcome crashed(Evidence.Found found, Optional<List<Long>> panicReport, Signal signal,
                       Duration elapsed) {
        Optional<CrashDump> dump = found.dumps().stream()
                .max(Comparator.comparing((Evidence.Fetched f) -> f.listed().kernelDump())
                        .thenComparing(f -> f.dump().header().systemTime()))
                .map(Evidence.Fetched::dump);
        if (dump.isPresent()) {
            var bugcheck = dump.get().header().bugcheck();
            return new RunOutcome.Bugchecked(bugcheck.code(), bugcheck.parameters(), Optional.of(dump.get().file()),
                    found.files(), 0, elapsed, Optional.empty());
        }
        Optional<BugcheckEvent> event = found.events().stream().filter(e -> e.bugcheck().code() != 0)
                .max(Comparator.comparing(BugcheckEvent::time));
        if (event.isPresent()) {
            var bugcheck = event.get().bugcheck();
            return new RunOutcome.Bugchecked(bugcheck.code(), bugcheck.parameters(), Optional.empty(), found.files(),
                    0, elapsed, Optional.empty());
        }
        if (panicReport.isPresent() && panicReport.get().get(0) != 0) {
            List<Long> r = panicReport.get();
            return new RunOutcome.Bugchecked(r.get(0), r.subList(1, 5), Optional.empty(), found.files(), 0, elapsed,
                    Optional.empty());
        }
        if (found.restart().isPresent()) {
            return RunOutcome.LabFailure.plannedRestart(found.restart().get().describe(), elapsed);
        }
        return new RunOutcome.LabFailure("the guest went down during the load (" + describe(signal) + ") and rebooted,"
                + " but left no dump, no bugcheck event and no panic report" + (found.notes().isEmpty() ? ""
                : "; " + String.join("; ", found.notes())) + (guest.standIn() ? ""
                : " (are CrashControl and the pagefile set? xidlab lab doctor)"), elapsed);
    }

    /** The hypervisor's sign that the guest went down, and the bugcheck its Hyper-V crash report names. */
    private record DomainSignal(Signal signal, Optional<List<Long>> panicReport) {
    }

    /**
     * What the domain says of the guest now: a guest stopped at its crash notification is resumed (after its
     * Hyper-V report is read) so it writes its dump and reboots, one that powered off is started; empty while it
     * runs.
     */
    private Optional<DomainSignal> domainSignal() {
        Libvirt.DomainState state = stateOrNull();
        if (state != null && state.crashed()) {
            Optional<List<Long>> report = libvirt.hypervCrashReport(domainName);
            libvirt.resume(domain);
            return Optional.of(new DomainSignal(Signal.PANIC_DEVICE, report));
        }
        if (state != null && state.off()) {
            machine().up(setup.bootTimeout());
            return Optional.of(new DomainSignal(Signal.POWERED_OFF, Optional.empty()));
        }
        return Optional.empty();
    }

    /** One run as the watch needs it: what the guest was before it, and where its evidence goes. */
    private record Run(String id, RunMark mark, List<GuestDump> before, Evidence evidence, Path evidenceDir,
                       Instant started, Duration bound) {
    }

    /**
     * A hang: the load's bound passed without its result, or the guest stopped answering and did not reboot. A hung
     * machine leaves no dump unless one is forced, and Microsoft's way to force one is a diagnostic NMI: Windows
     * bugchecks 0x80 NMI_HARDWARE_FAILURE and writes its dump as for any crash (NMICrashDump, which the guest setup
     * sets, is needed only before Windows 8); the stand-in's kernel panics on it (kernel.unknown_nmi_panic=1). So
     * the lab sends one and follows the crash path: the crash signal, the reboot, the evidence by {@link Evidence}'s
     * rule, the dump, which holds where the threads were stuck. Only a guest that does not come back within the
     * boot timeout is reset. The hang is the driver's outcome either way; the reason says what came of the NMI.
     *
     * @param answering whether the guest's shell still answered (then the load's log is kept before the NMI)
     */
    private RunOutcome hang(Run run, String reason, boolean answering) {
        trace.step("hang: " + reason + ": sending an NMI");
        List<Path> kept = new ArrayList<>();
        if (answering) {
            // What the load said before the NMI: a reboot can take back what the guest had not written to its disk.
            kept.addAll(keepLoadLogs(run.id(), run.evidenceDir()));
        }
        try {
            libvirt.injectNmi(domain);
        } catch (LabException e) {
            reset();
            return hung(run, reason + "; the NMI could not be sent (" + e.getMessage() + "): the guest was reset",
                    kept, Optional.empty());
        }
        Instant sent = clock.instant();
        DomainWatch watch = new DomainWatch();
        Optional<String> markNow = awaitMark(setup.bootTimeout(), m -> {
            watch.unrebooted = m.equals(run.id());
            return !watch.unrebooted;
        }, watch);
        if (markNow.isEmpty()) {
            Libvirt.DomainState now = stateOrNull();
            reset();
            return hung(run, reason + "; an NMI was sent, but the guest " + (watch.unrebooted
                    ? "kept answering without a reboot" : "did not answer") + " within "
                    + setup.bootTimeout().toMinutes() + " min of it (libvirt: " + now + "): the guest was reset",
                    kept, Optional.empty());
        }
        rebooted();
        String back = watch.describe() + ", and the guest answered rebooted " + Duration.between(sent,
                clock.instant()).toSeconds() + " s after the NMI";
        trace.step("the guest rebooted after the NMI: collecting its evidence");
        Evidence.Found found;
        try {
            found = run.evidence().collect(run.before(), run.mark(), run.evidenceDir());
        } catch (LabException e) {
            return hung(run, reason + "; an NMI was sent: " + back + ", but its evidence could not be fetched: "
                    + e.getMessage(), kept, Optional.empty());
        }
        kept.addAll(found.files());
        RunOutcome judged = crashed(found, watch.panicReport, watch.signal, since(run.started()));
        if (judged instanceof RunOutcome.Bugchecked b) {
            String stop = new Bugcheck(b.code(), b.parameters()).describe();
            return hung(run, reason + "; an NMI was sent: " + back + "; it bugchecked " + stop + b.dump()
                    .map(d -> " and left its dump " + d.getFileName()).orElse(", without a dump"), kept, b.dump());
        }
        return hung(run, reason + "; an NMI was sent: " + back + ", but left no dump, no bugcheck event and no panic"
                + " report" + (found.notes().isEmpty() ? "" : " (" + String.join("; ", found.notes()) + ")"), kept,
                Optional.empty());
    }

    /** A hung run's outcome, with what the lab saw of it kept beside its other evidence. */
    private RunOutcome.Hung hung(Run run, String reason, List<Path> kept, Optional<Path> dump) {
        trace.step("hung: " + reason);
        List<Path> evidence = new ArrayList<>(kept);
        try {
            evidence.addAll(runEvidence().keep(run.evidenceDir(), Optional.ofNullable(shell), guest,
                    labView("hung: " + reason)));
        } catch (LabException e) {
            // The outcome does not depend on its evidence files.
        }
        return new RunOutcome.Hung(reason, run.bound(), 0, since(run.started()), Optional.empty(), evidence, dump);
    }

    /**
     * Watches the domain while the lab waits for the guest (after an NMI, or after a lost session): a guest stopped
     * at its crash notification is resumed (and its Hyper-V report read), one that powered off is started; and it
     * notes whether the guest still answered with the run's marker (the NMI did not take) or went quiet.
     */
    private final class DomainWatch implements Runnable {

        Signal signal = Signal.SESSION_LOST;
        Optional<List<Long>> panicReport = Optional.empty();
        boolean unrebooted;

        @Override
        public void run() {
            try {
                domainSignal().ifPresent(down -> {
                    signal = down.signal();
                    panicReport = down.panicReport();
                });
            } catch (LabException e) {
                trace.step("after the NMI: " + e.getMessage());
            }
        }

        String describe() {
            return signal == Signal.SESSION_LOST ? "the guest went down (no crash signal from the hypervisor)"
                    : VagrantLab.describe(signal);
        }
    }

    /** Pulls the plug and starts the guest again. */
    private void reset() {
        ready = false;
        rebooted();
        try {
            libvirt.destroy(domain);
            machine().up(setup.bootTimeout());
            connect(setup.bootTimeout());
            ready = true;
        } catch (LabException e) {
            // The next run's boot tries again and reports what is wrong.
        }
    }

    /**
     * Reconnects until the guest answers (bounded) and returns its run marker ("" when a reboot removed it), or
     * empty when it never answered. A rebooted guest may get another address: the target is read again now and then.
     */
    private Optional<String> awaitMark(Duration bound) {
        return awaitMark(bound, mark -> true, () -> { });
    }

    /**
     * The same, until the marker is one {@code wanted} takes (the answers it refuses are the guest answering still);
     * {@code eachTurn} runs before every attempt (watching the domain meanwhile).
     */
    private Optional<String> awaitMark(Duration bound, Predicate<String> wanted, Runnable eachTurn) {
        Instant deadline = clock.instant().plus(bound);
        int attempts = 0;
        while (true) {
            eachTurn.run();
            if (shell.listening(Duration.ofSeconds(1))) {
                try {
                    CommandResult r = shell.exec(guest.commandLine(guest.readMarkScript()), Duration.ofSeconds(30));
                    if (r.succeeded() && wanted.test(r.stdout().strip())) {
                        return Optional.of(r.stdout().strip());
                    }
                } catch (GuestUnreachableException e) {
                    // Listening, but not yet taking logins.
                }
            }
            if (!clock.instant().isBefore(deadline)) {
                return Optional.empty();
            }
            if (++attempts % 60 == 0) {
                try {
                    GuestShell fresh = shells.apply(machine().sshTarget(setup.password()));
                    shell.close();
                    shell = fresh;
                } catch (LabException e) {
                    // No address yet: keep the old target.
                }
            }
            sleep(pace.reconnectPause());
        }
    }

    private Evidence evidence() {
        // The shell as it is at each step: a reconnect during the reboot replaces it.
        return new Evidence(() -> shell, guest, pace.evidenceBound(), pace.evidenceInterval(),
                d -> Thread.sleep(d.toMillis()), clock, lateDumps, trace);
    }

    /** A load with a time budget may run that long plus the grace; one bounded by operations, the grace alone. */
    private Duration loadBound(StressProfile profile) {
        Duration time = profile.budget().time();
        return (time == null ? Duration.ZERO : time).plus(setup.loadGrace());
    }

    /**
     * The kernel model's switches for the stand-in guest's load (a plan's model block: {@code --same-thread-fault
     * wait}); none for a Windows guest, whose kernel is real.
     */
    private List<String> modelSwitches() {
        return guest.standIn() ? setup.standInModel().switches() : List.of();
    }

    /** The guest's {@code xidlab stress} arguments, the driver as the host configured it. */
    static List<String> loadArguments(StressProfile profile, long seed) {
        List<String> args = new ArrayList<>(List.of("--as-configured", "--json",
                "--workers", String.valueOf(profile.workers()),
                "--processes", String.valueOf(profile.processes()),
                "--mix", profile.mix().label(),
                "--pressure", profile.pressure().label(),
                "--seed", String.valueOf(seed)));
        if (profile.budget().operations() > 0) {
            args.addAll(List.of("--operations", String.valueOf(profile.budget().operations())));
        }
        if (profile.budget().time() != null) {
            args.addAll(List.of("--seconds", String.valueOf(Math.max(1, profile.budget().time().toSeconds()))));
        }
        return args;
    }

    private static String describe(Signal signal) {
        return switch (signal) {
            case PANIC_DEVICE -> "the hypervisor's panic device fired";
            case POWERED_OFF -> "the domain powered off";
            case SESSION_LOST -> "the SSH session died: keepalives unanswered";
        };
    }

    private Libvirt.DomainState stateOrNull() {
        try {
            return libvirt.state(domain);
        } catch (LabException e) {
            return null;
        }
    }

    private CommandResult exec(String script, Duration timeout) {
        return shell.exec(guest.commandLine(script), timeout);
    }

    private String execOrFail(String what, String script, Duration timeout) {
        CommandResult r = exec(script, timeout);
        if (!r.succeeded()) {
            throw new LabException(what + " failed in the guest: " + r.lastErrorLine());
        }
        return r.stdout();
    }

    private RunEvidence runEvidence() {
        if (runEvidence == null) {
            runEvidence = new RunEvidence(trace, machine().consoleLog());
        }
        return runEvidence;
    }

    @Override
    public void keepEvidence(Path evidenceDir, String failure) {
        trace.step("lab error: " + failure);
        runEvidence().keep(evidenceDir, Optional.ofNullable(shell), guest, labView("lab error: " + failure));
    }

    /** What the lab knows of the machine, under a headline: kept with a lab error's or a hang's evidence. */
    private String labView(String headline) {
        Libvirt.DomainState state = domain == null ? null : stateOrNull();
        return headline + "\nguest: " + guest.name() + " (box " + setup.box() + ")"
                + "\nlibvirt domain: " + (domainName == null ? "none yet" : domainName + " " + domain)
                + ", state: " + (state == null ? "unknown" : state)
                + "\nssh: " + targetText() + "\nready: " + ready + ", driver loaded: " + driverLoaded
                + "\nvagrant directory: " + setup.vagrantDir() + ", state: " + machine().stateDirectory();
    }

    private String targetText() {
        return shell instanceof SshGuestShell s ? s.target().toString() : "the guest";
    }

    private void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted");
        }
    }

    private Duration since(Instant started) {
        return Duration.between(started, clock.instant());
    }

    /**
     * One crash on purpose, timed on the host's clock alone: from the panic command to the hypervisor's signal, to
     * a second, idle session's death by unanswered keepalives (the guest is held stopped until then, so no reboot
     * resets that session early), and from the resume until the guest answers without its marker.
     */
    public record CrashTiming(Duration panicSignal, Duration sessionLost, Duration rebootToReady) {
    }

    public CrashTiming timeACrash() {
        if (!ready) {
            throw new LabException("the Vagrant lab is not booted");
        }
        String crash = guest.crashNowScript().orElseThrow(() -> new LabException("the " + guest.name() + " guest"
                + " cannot be crashed on purpose without the driver under test: time a matrix's crash runs instead"));
        String runId = "probe-" + Long.toHexString(new SecureRandom().nextLong() & Long.MAX_VALUE);
        execOrFail("marking the guest", guest.markScript(runId), QUICK);
        GuestShell canary = shells.apply(machine().sshTarget(setup.password()));
        java.util.concurrent.CompletableFuture<Instant> lost = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                canary.exec(guest.commandLine("sleep 3600"), Duration.ofHours(1));
            } catch (GuestUnreachableException e) {
                // The keepalives went unanswered: what the lab relies on without a panic device.
            }
            return clock.instant();
        });
        try {
            sleep(Duration.ofSeconds(2));
            Instant sent = clock.instant();
            java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    shell.exec(guest.commandLine(crash), Duration.ofSeconds(30));
                } catch (LabException e) {
                    // The guest went down under the command, as it should.
                }
            });
            Instant signalled = null;
            Instant giveUp = sent.plus(Duration.ofMinutes(2));
            while (signalled == null && clock.instant().isBefore(giveUp)) {
                Libvirt.DomainState state = stateOrNull();
                if (state != null && state.crashed()) {
                    signalled = clock.instant();
                } else {
                    sleep(Duration.ofMillis(100));
                }
            }
            if (signalled == null) {
                throw new LabException("the guest did not crash within 2 minutes of the panic command");
            }
            Instant sessionLost = lost.get(2, java.util.concurrent.TimeUnit.MINUTES);
            libvirt.resume(domain);
            Instant resumed = clock.instant();
            Optional<String> mark = awaitMark(setup.bootTimeout());
            if (mark.isEmpty() || mark.get().equals(runId)) {
                throw new LabException("the guest did not come back rebooted within " + setup.bootTimeout().toMinutes()
                        + " min of the resume");
            }
            rebooted();
            return new CrashTiming(Duration.between(sent, signalled), Duration.between(sent, sessionLost),
                    Duration.between(resumed, clock.instant()));
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new LabException("the idle session to the guest did not end within 2 minutes of the crash");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted");
        } finally {
            canary.close();
        }
    }

    /** The guest's kernel images filed into the report's symbol store ({@link KernelImages}). */
    @Override
    public List<Path> fileKernelImages(Path symbolStore) {
        return ready ? KernelImages.file(shell, guest, setup.driverDir(), symbolStore, trace) : List.of();
    }

    /** The host's half of {@code xidlab lab doctor}: never fails, says what is wrong and how to fix it. */
    public List<LabDoctor.Finding> doctorHost() {
        return LabDoctor.host(new LabDoctor.Host(machine(), libvirt, this::acceleration, "default",
                List.of(Path.of("/usr/sbin/dnsmasq"), Path.of("/usr/bin/dnsmasq")),
                StandInManifest.cacheDir(System.getenv(), Path.of(System.getProperty("user.home")))), setup, guest);
    }

    /**
     * The guest's half: its own list over SSH when the machine is up (it is not started for this), one SKIPPED
     * finding when it is not.
     */
    public List<LabDoctor.Finding> doctorGuest() {
        Optional<String> id = machine().domainId();
        Libvirt.DomainState state = id.map(this::stateOf).orElse(null);
        if (state == null || !state.running()) {
            return List.of(new LabDoctor.Finding("guest", LabDoctor.Finding.Status.SKIPPED, "the machine is not up"
                    + (state == null ? "" : " (" + state + ")"), "xidlab lab up boots it"));
        }
        domain = id.get();
        try {
            if (shell == null) {
                shell = shells.apply(machine().sshTarget(setup.password()));
            }
        } catch (LabException e) {
            return List.of(LabDoctor.Finding.fail("SSH login", e.getMessage(), "vagrant ssh-config must answer"));
        }
        return LabDoctor.guest(shell, guest);
    }

    private Libvirt.DomainState stateOf(String id) {
        try {
            return libvirt.state(id);
        } catch (LabException e) {
            return null;
        }
    }

    /** {@code vagrant destroy}: the machine and its disk go (the box stays). For tests and a clean slate. */
    public void destroyMachine() {
        if (shell != null) {
            shell.close();
            shell = null;
        }
        ready = false;
        rebooted();
        machine().destroy(HALT);
    }

    @Override
    public void close() {
        // The guest stays up between invocations (booting Windows costs minutes; `vagrant halt` stops it); only
        // the connection and what the runner holds (a vagrant container) go.
        if (shell != null) {
            shell.close();
        }
        vagrantRunner.close();
    }
}
