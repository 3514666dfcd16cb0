package dev.xidlab.lab.vm;

import dev.xidlab.dump.Bugcheck;
import dev.xidlab.lab.LabException;
import dev.xidlab.lab.LoadReport;
import dev.xidlab.lab.RunOutcome;
import dev.xidlab.lab.runner.CommandResult;
import dev.xidlab.load.StressProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * One run in the guest, watched until one of three things speaks: the hypervisor's panic device, the load's result
 * file, or the connection. Its timeouts (the load's bound, the boot timeout) and its reboot detection (the run's
 * marker gone) decide between a crash, the load's own end and a hang; a hang gets an NMI and follows the crash path.
 */
final class RunWatch {

    private static final Duration QUICK = Duration.ofMinutes(2);

    private final VagrantLab.Setup setup;
    private final GuestOs guest;
    private final GuestSession session;
    private final GuestDomain domain;
    private final Supplier<VagrantMachine> machine;
    private final VagrantLab.Pace pace;
    private final Clock clock;
    private final LabTrace trace;
    private final Supplier<Evidence> evidence;
    private final Supplier<RunEvidence> runEvidence;
    private final Function<String, String> labView;
    private final List<VagrantLab.CrashSighting> sightings;

    RunWatch(VagrantLab.Setup setup, GuestOs guest, GuestSession session, GuestDomain domain,
             Supplier<VagrantMachine> machine, VagrantLab.Pace pace, Clock clock, LabTrace trace,
             Supplier<Evidence> evidence, Supplier<RunEvidence> runEvidence, Function<String, String> labView,
             List<VagrantLab.CrashSighting> sightings) {
        this.setup = setup;
        this.guest = guest;
        this.session = session;
        this.domain = domain;
        this.machine = machine;
        this.pace = pace;
        this.clock = clock;
        this.trace = trace;
        this.evidence = evidence;
        this.runEvidence = runEvidence;
        this.labView = labView;
        this.sightings = sightings;
    }

    /** One run as the watch needs it: what the guest was before it, and where its evidence goes. */
    private record Run(String id, RunMark mark, List<GuestDump> before, Evidence evidence, Path evidenceDir,
                       Instant started, Duration bound) {
    }

    RunOutcome stress(StressProfile profile, long seed, Path evidenceDir, boolean foreignDriver) {
        Instant started = clock.instant();
        String runId = "run-" + Long.toHexString(new SecureRandom().nextLong() & Long.MAX_VALUE);
        Evidence evidence = this.evidence.get();
        RunMark mark;
        List<GuestDump> before;
        try {
            // Proof that the guest was alive before the run: what a later silence is measured against.
            mark = new RunMark(runId, session.execOrFail("marking the guest", guest.markScript(runId), QUICK).strip());
            before = evidence.listing();
            List<String> arguments = new ArrayList<>(loadArguments(profile, seed, foreignDriver));
            arguments.addAll(modelSwitches());
            session.execOrFail("starting the load", guest.startLoadScript(guest.home() + "/xidlab-agent.jar", arguments,
                    runId), QUICK);
        } catch (LabException e) {
            return RunOutcome.LabFailure.beforeLoad("the guest was not ready for the run: " + e.getMessage(),
                    session.since(started));
        }
        trace.step("load " + runId + " started");
        Duration bound = loadBound(profile);
        Run run = new Run(runId, mark, before, evidence, evidenceDir, started, bound);
        Instant deadline = started.plus(bound);
        int falseAlarms = 0;
        for (int poll = 1; ; poll++) {
            GuestSession.sleep(pace.poll());
            Optional<GuestDomain.DomainSignal> down = domain.signal();
            VagrantLab.Signal signal = down.map(GuestDomain.DomainSignal::signal).orElse(null);
            Optional<List<Long>> panicReport = down.flatMap(GuestDomain.DomainSignal::panicReport);
            if (down.isEmpty() && poll % pace.loadPollEvery() == 0) {
                CommandResult status;
                try {
                    status = session.shell().exec(guest.commandLine(guest.loadStatusScript(runId)), QUICK);
                } catch (GuestUnreachableException e) {
                    status = null;
                    signal = VagrantLab.Signal.SESSION_LOST;
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
            trace.step(CrashOutcome.describe(signal) + ": waiting for the guest to answer");
            // The session can die before a poll sees the domain stopped at its crash notification (on_crash=preserve):
            // the domain is watched while the lab waits, so a crashed guest is resumed and its signal is the panic's.
            DomainWatch watch = new DomainWatch();
            Optional<String> markNow = session.awaitMark(setup.bootTimeout(), m -> true, watch);
            if (signal == VagrantLab.Signal.SESSION_LOST && watch.signal != VagrantLab.Signal.SESSION_LOST) {
                trace.step(CrashOutcome.describe(watch.signal) + " after the session died");
                signal = watch.signal;
                panicReport = watch.panicReport;
            }
            if (markNow.isEmpty()) {
                Libvirt.DomainState now = domain.stateOrNull();
                if (now != null && now.running()) {
                    return hang(run, "the guest stopped answering and did not reboot within "
                            + setup.bootTimeout().toMinutes() + " min (" + CrashOutcome.describe(signal) + ")", false);
                }
                return new RunOutcome.LabFailure("the guest did not come back within " + setup.bootTimeout().toMinutes()
                        + " min after " + CrashOutcome.describe(signal) + " (libvirt: " + now + ")",
                        session.since(started));
            }
            if (markNow.get().strip().equals(runId)) {
                // No reboot: the connection dropped (or a panic the guest survived); the load may still run.
                if (++falseAlarms > 3) {
                    return new RunOutcome.LabFailure("the connection to the guest kept dropping without a reboot",
                            session.since(started));
                }
                continue;
            }
            session.rebooted();
            Instant answering = clock.instant();
            trace.step("the guest rebooted: collecting its evidence");
            Evidence.Found found;
            try {
                found = evidence.collect(before, mark, evidenceDir);
            } catch (LabException e) {
                return new RunOutcome.LabFailure("the guest rebooted, but its evidence could not be fetched: "
                        + e.getMessage(), session.since(started));
            }
            sightings.add(new VagrantLab.CrashSighting(signal, detected, answering, clock.instant()));
            return CrashOutcome.judge(found, panicReport, signal, session.since(started), guest);
        }
    }

    private Optional<RunOutcome> ended(CommandResult status, Instant started, Path evidenceDir) {
        String out = status.stdout().strip();
        if (!status.succeeded()) {
            return Optional.of(new RunOutcome.LabFailure("reading the load's state failed: " + status.lastErrorLine(),
                    session.since(started)));
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
                    session.since(started)));
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
                session.shell().download(log, target);
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

    /**
     * The guest's {@code stress --json} report ({@link LoadReport}): survived with the driver's telemetry, or the
     * load's own failure; a bugcheck the guest reports without going down is no outcome the host takes.
     */
    private RunOutcome result(String json, Instant started) {
        LoadReport report;
        try {
            report = LoadReport.read(json);
        } catch (LoadReport.Unreadable e) {
            return new RunOutcome.LabFailure(e.getMessage(), session.since(started));
        }
        if (report instanceof LoadReport.Survived s) {
            return new RunOutcome.Survived(s.operations(), session.since(started), s.telemetry());
        }
        if (report instanceof LoadReport.Hung h) {
            return new RunOutcome.Hung(h.hang(), Duration.ofSeconds(h.boundSeconds()), h.operations(),
                    session.since(started), h.telemetry(), List.of());
        }
        if (report instanceof LoadReport.LabError e) {
            // Excused only when the guest's own lab says its step failed before the load started.
            return new RunOutcome.LabFailure("the load failed in the guest: " + e.reason(), session.since(started),
                    e.phase());
        }
        return new RunOutcome.LabFailure("the load reported 'bugchecked' without the guest going down",
                session.since(started));
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
            domain.libvirt().injectNmi(domain.id());
        } catch (LabException e) {
            reset();
            return hung(run, reason + "; the NMI could not be sent (" + e.getMessage() + "): the guest was reset",
                    kept, Optional.empty());
        }
        Instant sent = clock.instant();
        DomainWatch watch = new DomainWatch();
        Optional<String> markNow = session.awaitMark(setup.bootTimeout(), m -> {
            watch.unrebooted = m.equals(run.id());
            return !watch.unrebooted;
        }, watch);
        if (markNow.isEmpty()) {
            Libvirt.DomainState now = domain.stateOrNull();
            reset();
            return hung(run, reason + "; an NMI was sent, but the guest " + (watch.unrebooted
                    ? "kept answering without a reboot" : "did not answer") + " within "
                    + setup.bootTimeout().toMinutes() + " min of it (libvirt: " + now + "): the guest was reset",
                    kept, Optional.empty());
        }
        session.rebooted();
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
        RunOutcome judged = CrashOutcome.judge(found, watch.panicReport, watch.signal, session.since(run.started()),
                guest);
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
            evidence.addAll(runEvidence.get().keep(run.evidenceDir(), Optional.ofNullable(session.shell()), guest,
                    labView.apply("hung: " + reason)));
        } catch (LabException e) {
            // The outcome does not depend on its evidence files.
        }
        return new RunOutcome.Hung(reason, run.bound(), 0, session.since(run.started()), Optional.empty(), evidence,
                dump);
    }

    /**
     * Watches the domain while the lab waits for the guest (after an NMI, or after a lost session): a guest stopped
     * at its crash notification is resumed (and its Hyper-V report read), one that powered off is started; and it
     * notes whether the guest still answered with the run's marker (the NMI did not take) or went quiet.
     */
    private final class DomainWatch implements Runnable {

        VagrantLab.Signal signal = VagrantLab.Signal.SESSION_LOST;
        Optional<List<Long>> panicReport = Optional.empty();
        boolean unrebooted;

        @Override
        public void run() {
            try {
                domain.signal().ifPresent(down -> {
                    signal = down.signal();
                    panicReport = down.panicReport();
                });
            } catch (LabException e) {
                trace.step("after the NMI: " + e.getMessage());
            }
        }

        String describe() {
            return signal == VagrantLab.Signal.SESSION_LOST ? "the guest went down (no crash signal from the hypervisor)"
                    : CrashOutcome.describe(signal);
        }
    }

    /** Pulls the plug and starts the guest again. */
    private void reset() {
        session.ready = false;
        session.rebooted();
        try {
            domain.libvirt().destroy(domain.id());
            machine.get().up(setup.bootTimeout());
            session.connect(setup.bootTimeout());
            session.ready = true;
        } catch (LabException e) {
            // The next run's boot tries again and reports what is wrong.
        }
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
        return loadArguments(profile, seed, false);
    }

    /** The same, for the user's own driver the host installed (no xidfilter to configure, no telemetry) when asked. */
    static List<String> loadArguments(StressProfile profile, long seed, boolean foreignDriver) {
        List<String> args = new ArrayList<>(List.of(foreignDriver ? "--foreign-driver" : "--as-configured", "--json",
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
}
