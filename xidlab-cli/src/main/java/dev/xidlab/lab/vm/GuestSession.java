package dev.xidlab.lab.vm;

import dev.xidlab.lab.LabException;
import dev.xidlab.lab.runner.CommandResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The SSH session to the guest and what a reboot undoes of it: connecting (and reconnecting until the guest answers
 * with its run marker), running the guest OS's scripts, and whether the guest is ready, its uploads checked and its
 * driver loaded.
 */
final class GuestSession {

    private final VagrantLab.Setup setup;
    private final GuestOs guest;
    private final Function<SshTarget, GuestShell> shells;
    private final Supplier<VagrantMachine> machine;
    private final Duration reconnectPause;
    private final Clock clock;
    private GuestShell shell;
    boolean ready;
    boolean uploaded;
    boolean driverLoaded;
    /** The user's driver package installed in the guest now (a reboot leaves it installed), empty for none. */
    Optional<dev.xidlab.lab.ForeignDriver> installedPackage = Optional.empty();
    /** Whether that package is loaded since the last boot. */
    boolean packageLoaded;

    GuestSession(VagrantLab.Setup setup, GuestOs guest, Function<SshTarget, GuestShell> shells,
                 Supplier<VagrantMachine> machine, Duration reconnectPause, Clock clock) {
        this.setup = setup;
        this.guest = guest;
        this.shells = shells;
        this.machine = machine;
        this.reconnectPause = reconnectPause;
        this.clock = clock;
    }

    /** The shell as it is now: a reconnect during a reboot replaces it. Null before the first connection. */
    GuestShell shell() {
        return shell;
    }

    /** A new session to the machine's current SSH target, beside this one. */
    GuestShell open() {
        return shells.apply(machine.get().sshTarget(setup.password()));
    }

    /** A session for a query of a machine already up (the doctor), when none is open yet. */
    void openIfNone() {
        if (shell == null) {
            shell = open();
        }
    }

    /**
     * What a reboot undoes: the driver is no longer loaded, and the uploads are checked again (a panic loses what the
     * guest had not written back yet).
     */
    void rebooted() {
        driverLoaded = false;
        packageLoaded = false;
        uploaded = false;
    }

    void connect(Duration bound) {
        if (shell != null) {
            shell.close();
        }
        shell = open();
        if (awaitMark(bound).isEmpty()) {
            throw new LabException("the guest is up but its SSH server does not answer at " + targetText());
        }
    }

    /**
     * Reconnects until the guest answers (bounded) and returns its run marker ("" when a reboot removed it), or
     * empty when it never answered. A rebooted guest may get another address: the target is read again now and then.
     */
    Optional<String> awaitMark(Duration bound) {
        return awaitMark(bound, mark -> true, () -> { });
    }

    /**
     * The same, until the marker is one {@code wanted} takes (the answers it refuses are the guest answering still);
     * {@code eachTurn} runs before every attempt (watching the domain meanwhile).
     */
    Optional<String> awaitMark(Duration bound, Predicate<String> wanted, Runnable eachTurn) {
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
                    GuestShell fresh = open();
                    shell.close();
                    shell = fresh;
                } catch (LabException e) {
                    // No address yet: keep the old target.
                }
            }
            sleep(reconnectPause);
        }
    }

    CommandResult exec(String script, Duration timeout) {
        return shell.exec(guest.commandLine(script), timeout);
    }

    String execOrFail(String what, String script, Duration timeout) {
        CommandResult r = exec(script, timeout);
        if (!r.succeeded()) {
            throw new LabException(what + " failed in the guest: " + r.lastErrorLine());
        }
        return r.stdout();
    }

    String targetText() {
        return shell instanceof SshGuestShell s ? s.target().toString() : "the guest";
    }

    Duration since(Instant started) {
        return Duration.between(started, clock.instant());
    }

    static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted");
        }
    }

    /** Closes the connection; the guest stays up. */
    void close() {
        if (shell != null) {
            shell.close();
        }
    }

    /** Closes the connection and forgets it (the machine goes). */
    void drop() {
        if (shell != null) {
            shell.close();
            shell = null;
        }
    }
}
