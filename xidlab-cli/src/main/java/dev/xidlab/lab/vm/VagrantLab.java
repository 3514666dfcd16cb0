package dev.xidlab.lab.vm;

import dev.xidlab.device.Device;
import dev.xidlab.device.IoctlDevice;
import dev.xidlab.device.ModelOptions;
import dev.xidlab.lab.ForeignDriver;
import dev.xidlab.lab.Lab;
import dev.xidlab.lab.LabException;
import dev.xidlab.lab.LabName;
import dev.xidlab.lab.RunOutcome;
import dev.xidlab.lab.SitePackage;
import dev.xidlab.lab.runner.CommandResult;
import dev.xidlab.lab.runner.CommandRunner;
import dev.xidlab.load.StressProfile;
import dev.xidlab.site.Environment;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
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

    /** The guest's size, as the Vagrantfiles read it. */
    static final String GUEST_CPUS = "XIDLAB_GUEST_CPUS";
    static final String GUEST_MEMORY = "XIDLAB_GUEST_MEMORY";

    /**
     * Where the lab's parts are and how long things may take.
     *
     * @param home             the checkout: vagrant/, target/driver, target/xidlab-agent.jar
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

        /** The agent: the only jar a guest receives (driver serve and the load); the user's jar stays here. */
        public Path jar() {
            return home.resolve("target").resolve("xidlab-agent.jar");
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
    private final Pace pace;
    private final Clock clock;
    private final List<CrashSighting> sightings = new ArrayList<>();
    private final LabTrace trace = new LabTrace();
    private RunEvidence runEvidence;
    /** A run whose kernel dump had not been written when its wait ended: a dump that comes later is its. */
    private final Evidence.Ledger lateDumps = new Evidence.Ledger();
    private final VagrantEnvironment environment;
    private final Libvirt libvirt;
    private final GuestDomain domain;
    private final GuestSession session;
    private final SiteCheck siteCheck;
    private final RunWatch watch;
    private final GuestPackages packages;

    public VagrantLab(Setup setup, CommandRunner vagrantRunner, Libvirt libvirt,
                      Supplier<Acceleration> accelerationProbe) {
        this(setup, vagrantRunner, libvirt, accelerationProbe,
                target -> new SshGuestShell(target, SshGuestShell.Keepalive.DEFAULT), null, Clock.systemUTC());
    }

    VagrantLab(Setup setup, CommandRunner vagrantRunner, Libvirt libvirt, Supplier<Acceleration> accelerationProbe,
               Function<SshTarget, GuestShell> shells, Pace pace, Clock clock) {
        this.setup = setup;
        this.guest = setup.guest();
        this.libvirt = libvirt;
        this.pace = pace == null ? Pace.of(guest) : pace;
        this.clock = clock;
        this.environment = new VagrantEnvironment(setup, guest, vagrantRunner, libvirt, accelerationProbe, trace);
        this.domain = new GuestDomain(libvirt, this::machine, setup.bootTimeout());
        this.session = new GuestSession(setup, guest, shells, this::machine, this.pace.reconnectPause(), clock);
        this.siteCheck = new SiteCheck(setup, guest);
        this.packages = new GuestPackages(guest, session, siteCheck, trace);
        this.watch = new RunWatch(setup, guest, session, domain, this::machine, this.pace, clock, trace,
                this::evidence, this::runEvidence, this::labView, sightings);
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
        notices.addAll(siteCheck.notices());
        return notices.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", notices));
    }

    /** {@link SiteCheck#judge}: what every report must say of this guest standing for the setup's site. */
    static List<String> judgeSite(Setup setup, Optional<Integer> build, List<String> loaded) {
        return SiteCheck.judge(setup, build, loaded);
    }

    /** {@link SiteCheck#sameFilter}. */
    static boolean sameFilter(String loaded, String module) {
        return SiteCheck.sameFilter(loaded, module);
    }

    /** What the site check found, for tests and reports. */
    public List<String> siteNotices() {
        return siteCheck.notices();
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
        return environment.acceleration();
    }

    @Override
    public void checkAvailable() {
        environment.checkAvailable();
    }

    private VagrantMachine machine() {
        return environment.machine();
    }

    @Override
    public void boot() {
        checkAvailable();
        runEvidence().runBegins();
        if (session.ready && answers()) {
            return;
        }
        session.ready = false;
        Optional<String> id = machine().domainId();
        Libvirt.DomainState state = id.map(libvirt::state).orElse(null);
        if (state != null && state.crashed()) {
            // A crash no run watched (an interrupted matrix): let the guest finish it and reboot.
            libvirt.resume(id.get());
        }
        if (state == null || !state.running() && !state.crashed()) {
            trace.step(id.isEmpty() ? "vagrant up: creating the machine" : "vagrant up: starting the machine");
            machine().up(id.isEmpty() ? setup.firstBootTimeout() : setup.bootTimeout());
            session.rebooted();
        }
        domain.attach(machine().domainId().orElseThrow(() -> new LabException("vagrant up left no libvirt domain in "
                + setup.vagrantDir().resolve(".vagrant"))));
        Optional<Libvirt.PanicModel> panic = guest.panicModel(acceleration());
        if (panic.isPresent() && libvirt.ensureCrashSignal(domain.id(), panic.get())) {
            // The panic device exists only from the domain's next start.
            trace.step("panic device added: restarting the machine so it exists");
            machine().halt(false, HALT);
            machine().up(setup.bootTimeout());
            session.rebooted();
        }
        trace.step("connecting over SSH");
        session.connect(setup.bootTimeout());
        CommandResult identity = session.exec(guest.identityScript(), QUICK);
        if (!guest.isThisOs(identity)) {
            throw new LabException("the box " + setup.box() + " is not a " + guest.name() + " guest (it answered: "
                    + identity.stdout().strip() + ")");
        }
        siteCheck.check(session, identity);
        if (!session.exec(guest.provisionedScript(), QUICK).succeeded()) {
            // A guest that lost its setup (a box reused, provisioning interrupted): provision again.
            machine().provision(setup.firstBootTimeout());
            session.connect(setup.bootTimeout());
            session.rebooted();
        }
        trace.step("the guest is ready");
        session.ready = true;
    }

    /** The guest is up and its shell answers. */
    private boolean answers() {
        try {
            return libvirt.state(domain.id()).running()
                    && session.exec(guest.readMarkScript(), Duration.ofSeconds(30)).succeeded();
        } catch (LabException e) {
            return false;
        }
    }

    @Override
    public Device deployDriver() {
        String jar = uploadAgent();
        if (!session.driverLoaded) {
            trace.step("installing and loading the driver");
            session.execOrFail("installing and loading the driver", guest.installDriverScript(), QUICK);
            session.driverLoaded = true;
        }
        return new IoctlDevice(new GuestDevice(session.shell(), guest, jar, trace));
    }

    /** The stand-in runs only its own builds of a driver; a Windows guest runs what the user gives it. */
    @Override
    public Optional<String> cannotInstall(List<SitePackage> sitePackages, String what) {
        if (guest.standIn() && !sitePackages.isEmpty()) {
            return Optional.of("the " + guest.name() + " guest cannot run a site's filter binaries (Windows drivers): "
                    + what);
        }
        return Optional.empty();
    }

    /** {@link GuestPackages#use}. */
    @Override
    public void useDriver(Optional<ForeignDriver> driver) {
        packages.use(driver, this::uploadAgent);
    }

    /** {@link GuestPackages#installSite}. */
    @Override
    public void installSitePackages(List<SitePackage> sitePackages) {
        packages.installSite(sitePackages, this::uploadAgent);
    }

    /** {@link GuestPackages#probe}. */
    @Override
    public int probe(String command) {
        if (!session.ready) {
            throw new LabException("the Vagrant lab is not booted");
        }
        return packages.probe(command);
    }

    /** The agent jar in the guest's home, uploaded once per boot; returns its guest path. */
    private String uploadAgent() {
        if (!session.ready) {
            throw new LabException("the Vagrant lab is not booted");
        }
        String jar = guest.home() + "/xidlab-agent.jar";
        if (!session.uploaded) {
            session.execOrFail("making " + guest.home(), guest.prepareScript(), QUICK);
            if (!session.exec(guest.javaScript(), QUICK).succeeded()) {
                throw new LabException("the guest has no working java (a JRE 17+ runs the xidlab jar there):"
                        + " provision again with XIDLAB_GUEST_JRE_MSI set, or use a box with Java");
            }
            trace.step("uploading the driver and the jar");
            List<GuestOs.Upload> uploads = new ArrayList<>(guest.driverUploads(setup.driverDir(), setup.vagrantDir()));
            uploads.add(new GuestOs.Upload(setup.jar(), jar));
            new GuestFiles(guest).ensure(session.shell(), uploads);
            session.uploaded = true;
        }
        return jar;
    }

    /** One run, watched by {@link RunWatch}. */
    @Override
    public RunOutcome stress(StressProfile profile, long seed, Path evidenceDir) {
        if (!session.ready) {
            throw new LabException("the Vagrant lab is not booted");
        }
        return watch.stress(profile, seed, evidenceDir, session.installedPackage.isPresent());
    }

    /** {@link CrashOutcome#judge}: a crash's outcome from its evidence. */
    RunOutcome crashed(Evidence.Found found, Optional<List<Long>> panicReport, Signal signal, Duration elapsed) {
        return CrashOutcome.judge(found, panicReport, signal, elapsed, guest);
    }

    /** {@link RunWatch#loadArguments}: the guest's {@code xidlab stress} arguments. */
    static List<String> loadArguments(StressProfile profile, long seed) {
        return RunWatch.loadArguments(profile, seed);
    }

    private Evidence evidence() {
        // The shell as it is at each step: a reconnect during the reboot replaces it.
        return new Evidence(session::shell, guest, pace.evidenceBound(), pace.evidenceInterval(),
                d -> Thread.sleep(d.toMillis()), clock, lateDumps, trace);
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
        runEvidence().keep(evidenceDir, Optional.ofNullable(session.shell()), guest, labView("lab error: " + failure));
    }

    /** What the lab knows of the machine, under a headline: kept with a lab error's or a hang's evidence. */
    private String labView(String headline) {
        Libvirt.DomainState state = domain.id() == null ? null : domain.stateOrNull();
        return headline + "\nguest: " + guest.name() + " (box " + setup.box() + ")"
                + "\nlibvirt domain: " + (domain.name() == null ? "none yet" : domain.name() + " " + domain.id())
                + ", state: " + (state == null ? "unknown" : state)
                + "\nssh: " + session.targetText() + "\nready: " + session.ready + ", driver loaded: "
                + session.driverLoaded
                + "\nvagrant directory: " + setup.vagrantDir() + ", state: " + machine().stateDirectory();
    }

    /** How long one crash on purpose takes, as {@link CrashTimer} measures it. */
    public record CrashTiming(Duration panicSignal, Duration sessionLost, Duration rebootToReady) {
    }

    public CrashTiming timeACrash() {
        if (!session.ready) {
            throw new LabException("the Vagrant lab is not booted");
        }
        return new CrashTimer(setup, guest, session, domain, clock).time();
    }

    /** The guest's kernel images filed into the report's symbol store ({@link KernelImages}). */
    @Override
    public List<Path> fileKernelImages(Path symbolStore) {
        return session.ready ? KernelImages.file(session.shell(), guest, setup.driverDir(), symbolStore, trace)
                : List.of();
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
        Libvirt.DomainState state = id.map(domain::stateOf).orElse(null);
        if (state == null || !state.running()) {
            return List.of(new LabDoctor.Finding("guest", LabDoctor.Finding.Status.SKIPPED, "the machine is not up"
                    + (state == null ? "" : " (" + state + ")"), "xidlab lab up boots it"));
        }
        domain.attachId(id.get());
        try {
            session.openIfNone();
        } catch (LabException e) {
            return List.of(LabDoctor.Finding.fail("SSH login", e.getMessage(), "vagrant ssh-config must answer"));
        }
        return LabDoctor.guest(session.shell(), guest);
    }

    /** {@code vagrant destroy}: the machine and its disk go (the box stays). For tests and a clean slate. */
    public void destroyMachine() {
        session.drop();
        session.ready = false;
        session.rebooted();
        machine().destroy(HALT);
    }

    @Override
    public void close() {
        // The guest stays up between invocations (booting Windows costs minutes; `vagrant halt` stops it); only
        // the connection and what the runner holds (a vagrant container) go.
        session.close();
        environment.close();
    }
}
