package dev.xidlab.lab.vm;

import dev.xidlab.lab.LabException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One crash on purpose, timed on the host's clock alone: from the panic command to the hypervisor's signal, to
 * a second, idle session's death by unanswered keepalives (the guest is held stopped until then, so no reboot
 * resets that session early), and from the resume until the guest answers without its marker.
 */
final class CrashTimer {

    private static final Duration QUICK = Duration.ofMinutes(2);

    private final VagrantLab.Setup setup;
    private final GuestOs guest;
    private final GuestSession session;
    private final GuestDomain domain;
    private final Clock clock;

    CrashTimer(VagrantLab.Setup setup, GuestOs guest, GuestSession session, GuestDomain domain, Clock clock) {
        this.setup = setup;
        this.guest = guest;
        this.session = session;
        this.domain = domain;
        this.clock = clock;
    }

    VagrantLab.CrashTiming time() {
        String crash = guest.crashNowScript().orElseThrow(() -> new LabException("the " + guest.name() + " guest"
                + " cannot be crashed on purpose without the driver under test: time a matrix's crash runs instead"));
        String runId = "probe-" + Long.toHexString(new SecureRandom().nextLong() & Long.MAX_VALUE);
        session.execOrFail("marking the guest", guest.markScript(runId), QUICK);
        GuestShell canary = session.open();
        CompletableFuture<Instant> lost = CompletableFuture.supplyAsync(() -> {
            try {
                canary.exec(guest.commandLine("sleep 3600"), Duration.ofHours(1));
            } catch (GuestUnreachableException e) {
                // The keepalives went unanswered: what the lab relies on without a panic device.
            }
            return clock.instant();
        });
        try {
            GuestSession.sleep(Duration.ofSeconds(2));
            Instant sent = clock.instant();
            CompletableFuture.runAsync(() -> {
                try {
                    session.shell().exec(guest.commandLine(crash), Duration.ofSeconds(30));
                } catch (LabException e) {
                    // The guest went down under the command, as it should.
                }
            });
            Instant signalled = null;
            Instant giveUp = sent.plus(Duration.ofMinutes(2));
            while (signalled == null && clock.instant().isBefore(giveUp)) {
                Libvirt.DomainState state = domain.stateOrNull();
                if (state != null && state.crashed()) {
                    signalled = clock.instant();
                } else {
                    GuestSession.sleep(Duration.ofMillis(100));
                }
            }
            if (signalled == null) {
                throw new LabException("the guest did not crash within 2 minutes of the panic command");
            }
            Instant sessionLost = lost.get(2, TimeUnit.MINUTES);
            domain.libvirt().resume(domain.id());
            Instant resumed = clock.instant();
            Optional<String> mark = session.awaitMark(setup.bootTimeout());
            if (mark.isEmpty() || mark.get().equals(runId)) {
                throw new LabException("the guest did not come back rebooted within " + setup.bootTimeout().toMinutes()
                        + " min of the resume");
            }
            session.rebooted();
            return new VagrantLab.CrashTiming(Duration.between(sent, signalled), Duration.between(sent, sessionLost),
                    Duration.between(resumed, clock.instant()));
        } catch (ExecutionException | TimeoutException e) {
            throw new LabException("the idle session to the guest did not end within 2 minutes of the crash");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LabException("interrupted");
        } finally {
            canary.close();
        }
    }
}
