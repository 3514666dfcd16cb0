package dev.xidlab.lab.vm;

import dev.xidlab.lab.runner.CommandResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A stand-in guest VM as the VM lab sees it, for the lab's decisions over a whole run where no VM may run: what
 * vagrant, virsh and the guest's shell answer, from one small machine state (libvirt's domain state, the run's
 * marker in the guest, its dumps, how its load answers and what an NMI does to it). Commands take time on its
 * clock: one second each, a timed-out command its whole timeout, so the lab's bounds pass as they would.
 */
final class ScriptedStandInVm {

    static final String DOMAIN = "e6022e96-7ce3-4f29-abf2-4a2e971f0a16";
    static final String DOMAIN_NAME = "standin_default";
    private static final Path DOMAIN_XML = Path.of("fixtures/libvirt/vagrant-libvirt-domain.xml");

    /** What the guest's kernel does with an NMI. */
    enum Nmi {
        /** kernel.unknown_nmi_panic=1: it panics, the panic device stops it, and a resume lets it reboot. */
        PANICS,
        /** Nothing: the guest goes on answering with the run's marker. */
        IGNORED,
        /** libvirt refuses to send it (a QEMU without the monitor command, a domain libvirt lost). */
        REFUSED
    }

    final Path home;
    final TestClock clock = new TestClock();
    /** Every virsh command, without "virsh -q -c URI". */
    final List<List<String>> virsh = new ArrayList<>();
    /** Every load the guest was asked to start, as its command line. */
    final List<String> loadsStarted = new ArrayList<>();
    private final Deque<CommandResult> loadStatus = new ArrayDeque<>();
    private final Map<String, Path> dumpsAfterReboot = new LinkedHashMap<>();
    String state = "running (booted)";
    Nmi nmi = Nmi.PANICS;
    /** Whether its SSH server answers while it runs (a hung kernel's may not); a reboot brings it back. */
    boolean answers = true;
    /** Whether it stops answering once the load starts: the load hangs the kernel, sshd with it. */
    boolean silentOnceLoaded;
    /**
     * Whether the load crashes the guest at once, with the lab's next look at the domain still seeing it run: the
     * session dies before any poll sees the domain stopped at its panic (on_crash=preserve).
     */
    boolean crashesUnseenOnceLoaded;
    private boolean crashHiddenFromNextLook;
    private Path loadLog;
    private String mark = "";
    private boolean rebooted;

    ScriptedStandInVm(Path home) throws IOException {
        this.home = home;
        Path vagrant = Files.createDirectories(home.resolve("vagrant/standin"));
        Files.writeString(vagrant.resolve("Vagrantfile"), "# stand-in\n");
        Files.writeString(Files.createDirectories(vagrant.resolve(".vagrant/machines/default/libvirt"))
                .resolve("id"), DOMAIN + "\n");
        Files.writeString(Files.createDirectories(home.resolve("target")).resolve("xidlab-agent.jar"), "jar\n");
        Files.writeString(home.resolve("private_key"), "the key vagrant logs in with\n");
    }

    /** The load's answers to its status query in turn, the last one repeated. */
    ScriptedStandInVm loadAnswers(CommandResult... answers) {
        loadStatus.clear();
        loadStatus.addAll(List.of(answers));
        return this;
    }

    /** A dump the guest lists after its reboot (a file of the given content, fetched from its guest path). */
    ScriptedStandInVm dumpAfterReboot(String name, Path content) {
        dumpsAfterReboot.put(StandInGuest.DUMP_DIR + "/" + name, content);
        return this;
    }

    /** What the run's load wrote to its log ({@code /opt/xidlab/runs/RUN.log}), for downloads. */
    ScriptedStandInVm loadLog(Path content) {
        loadLog = content;
        return this;
    }

    static CommandResult ok(String stdout) {
        return new CommandResult(0, stdout, "", false);
    }

    static CommandResult timedOut() {
        return new CommandResult(-1, "", "", true);
    }

    /** The lab, booted on this machine: the guest answers, its panic device and on_crash=preserve are there. */
    VagrantLab bootedLab(VagrantLab.Setup setup) {
        VagrantLab lab = new VagrantLab(setup, this::vagrant, new Libvirt(this::virsh, "qemu:///system",
                home.resolve("libvirt-logs")), () -> new Acceleration(Acceleration.Kind.TCG, "test"),
                target -> new Shell(), new VagrantLab.Pace(Duration.ofMillis(1), 1, Duration.ofMillis(1),
                Duration.ofMinutes(2), Duration.ofMillis(1)), clock);
        lab.boot();
        return lab;
    }

    /** A stand-in setup of this machine: boots in 5 minutes, a load may overrun its budget by 5 minutes. */
    VagrantLab.Setup setup() {
        return new VagrantLab.Setup(home, StandInGuest.BOX, true, Duration.ofMinutes(5), Duration.ofMinutes(10),
                Duration.ofMinutes(5), Optional.empty(), Map.of());
    }

    private CommandResult vagrant(List<String> command, Path directory, Map<String, String> environment,
                                  Duration timeout) {
        String args = String.join(" ", command.subList(1, command.size()));
        return switch (args) {
            case "--version" -> ok("Vagrant 2.3.4\n");
            case "plugin list" -> ok("vagrant-libvirt (0.11.2, global)\n");
            case "box list" -> ok(StandInGuest.BOX + " (libvirt, 0)\n");
            case "ssh-config" -> ok("Host default\n  HostName 192.168.121.10\n  User vagrant\n  Port 22\n"
                    + "  IdentityFile " + home.resolve("private_key") + "\n");
            case "up --provider=libvirt" -> {
                state = "running (booted)";
                reboot();
                yield ok("");
            }
            default -> ok("");
        };
    }

    private CommandResult virsh(List<String> command, Path directory, Map<String, String> environment,
                                Duration timeout) {
        List<String> args = command.subList(4, command.size());
        virsh.add(List.copyOf(args));
        switch (args.get(0)) {
            case "domstate":
                if (crashHiddenFromNextLook) {
                    crashHiddenFromNextLook = false;
                    return ok("running (booted)\n");
                }
                return ok(state + "\n");
            case "domname":
                return ok(DOMAIN_NAME + "\n");
            case "dumpxml":
                try {
                    return ok(Libvirt.withCrashSignal(Files.readString(DOMAIN_XML), Libvirt.PanicModel.ISA)
                            .orElseThrow());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            case "inject-nmi":
                if (nmi == Nmi.REFUSED) {
                    return new CommandResult(1, "", "error: Requested operation is not valid: NMI is not supported\n",
                            false);
                }
                if (nmi == Nmi.PANICS) {
                    state = "crashed (panicked)";
                }
                return ok("");
            case "resume":
                state = "running (unpaused)";
                reboot();
                return ok("");
            case "destroy":
                state = "shut off (destroyed)";
                return ok("");
            default:
                return ok("");
        }
    }

    /** A reboot empties /run, so the marker goes; the dumps the crash wrote are there from now on. */
    private void reboot() {
        mark = "";
        rebooted = true;
        answers = true;
    }

    /** The guest's SSH server, as the lab's scripts meet it; a stopped guest does not answer. */
    private final class Shell extends ScriptedGuestShell {

        private final StandInGuest guest = new StandInGuest();

        @Override
        public CommandResult exec(String commandLine, Duration timeout) {
            if (!state.startsWith("running") || !answers) {
                clock.advance(timeout);
                throw new GuestUnreachableException("the guest does not answer (" + state + ")");
            }
            if (commandLine.contains("then echo RESULT")) {
                CommandResult answer = loadStatus.size() > 1 ? loadStatus.poll() : loadStatus.peek();
                clock.advance(answer.timedOut() ? timeout : Duration.ofSeconds(1));
                return answer;
            }
            clock.advance(Duration.ofSeconds(1));
            if (commandLine.equals(guest.readMarkScript())) {
                return ok(mark + "\n");
            }
            if (commandLine.contains("/run/xidlab-run")) {
                mark = commandLine.substring(commandLine.indexOf('\'') + 1, commandLine.indexOf('\'', 6));
                return ok("\n");
            }
            if (commandLine.equals(guest.listDumpsScript())) {
                StringBuilder listing = new StringBuilder();
                if (rebooted) {
                    dumpsAfterReboot.forEach((path, content) -> listing.append(path).append('\t')
                            .append(size(content)).append("\t1764590400\n"));
                }
                return ok(listing.toString());
            }
            if (commandLine.contains(" stress --lab standin ")) {
                loadsStarted.add(commandLine);
                answers = !silentOnceLoaded;
                if (crashesUnseenOnceLoaded) {
                    state = "crashed (panicked)";
                    crashHiddenFromNextLook = true;
                }
                return ok("started\n");
            }
            if (commandLine.equals(guest.identityScript())) {
                return ok("Linux\nxidlab-standin\n");
            }
            return ok("");
        }

        @Override
        Optional<Path> file(String guestPath) {
            boolean theLoadsLog = guestPath.startsWith(StandInGuest.HOME + "/runs/run-") && guestPath.endsWith(".log")
                    && !guestPath.endsWith("-hs_err.log");
            return Optional.ofNullable(theLoadsLog ? loadLog : dumpsAfterReboot.get(guestPath));
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The machine's clock: it moves only as commands take their time. */
    static final class TestClock extends Clock {

        private Instant now = Instant.parse("2026-12-01T12:00:00Z");

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
