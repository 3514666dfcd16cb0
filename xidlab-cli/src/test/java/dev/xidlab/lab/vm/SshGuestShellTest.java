package dev.xidlab.lab.vm;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.xidlab.lab.LabException;
import dev.xidlab.lab.runner.CommandResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The guest transport against a real SSH server (Apache MINA SSHD's, in this process, running real commands
 * with /bin/sh), and a bugchecked guest played by a TCP proxy that stops forwarding without closing anything,
 * which is what a machine that stopped does: no FIN, no RST, nothing.
 */
class SshGuestShellTest {

    private static final SshGuestShell.Keepalive FAST = new SshGuestShell.Keepalive(Duration.ofSeconds(1), 3);

    @TempDir
    Path dir;

    private TestSshServer server;
    private SshGuestShell shell;

    @BeforeEach
    void aServer() throws Exception {
        server = TestSshServer.start(dir);
    }

    @AfterEach
    void stop() throws Exception {
        if (shell != null) {
            shell.close();
        }
        server.close();
    }

    private SshGuestShell shell(SshTarget target) {
        shell = new SshGuestShell(target, FAST);
        return shell;
    }

    @Test
    void theGuestsExitCodeReachesTheHostAsItIs() {
        CommandResult r = shell(server.keyTarget()).exec("echo out; echo err >&2; exit 3", Duration.ofSeconds(30));

        assertEquals(new CommandResult(3, "out\n", "err\n", false), r);
    }

    @Test
    void aCommandPastItsTimeoutIsTimedOutAndTheConnectionStaysUsable() {
        SshGuestShell s = shell(server.keyTarget());

        CommandResult slow = s.exec("sleep 20", Duration.ofSeconds(1));
        CommandResult next = s.exec("echo still here", Duration.ofSeconds(30));

        assertTrue(slow.timedOut());
        assertEquals("still here\n", next.stdout());
    }

    @Test
    void aPeerThatGoesSilentWithoutClosingEndsTheSessionThroughUnansweredKeepalives() throws Exception {
        try (FreezingProxy proxy = FreezingProxy.to(server.port())) {
            SshGuestShell s = shell(server.keyTarget().withPort(proxy.port()));
            assertTrue(s.exec("true", Duration.ofSeconds(30)).succeeded());

            proxy.freezeAfter(Duration.ofMillis(500));
            // Without keepalives this call would wait the whole minute for a peer that will never speak again.
            GuestUnreachableException lost = assertThrows(GuestUnreachableException.class,
                    () -> s.exec("sleep 60", Duration.ofMinutes(1)));

            assertTrue(lost.getMessage().contains("was lost"), lost.getMessage());
        }
    }

    @Test
    void afterALostConnectionTheNextCallConnectsAgain() throws Exception {
        try (FreezingProxy proxy = FreezingProxy.to(server.port())) {
            SshGuestShell s = shell(server.keyTarget().withPort(proxy.port()));
            proxy.freezeAfter(Duration.ZERO);
            assertThrows(GuestUnreachableException.class, () -> s.exec("sleep 60", Duration.ofMinutes(1)));

            proxy.thaw();

            assertEquals("back\n", s.exec("echo back", Duration.ofSeconds(30)).stdout());
        }
    }

    @Test
    void noServerListeningIsAnUnreachableGuest() throws Exception {
        int closed = server.port();
        server.close();

        GuestUnreachableException e = assertThrows(GuestUnreachableException.class,
                () -> shell(server.keyTarget().withPort(closed)).exec("true", Duration.ofSeconds(30)));

        assertTrue(e.getMessage().startsWith("the guest at "), e.getMessage());
    }

    @Test
    void aKeyTheGuestDoesNotAcceptIsARefusedLoginNotAnUnreachableGuest() throws Exception {
        Path otherKey = TestSshServer.writeNewKey(dir.resolve("other.pem"));

        LabException e = assertThrows(LabException.class, () -> shell(new SshTarget("127.0.0.1", server.port(),
                "vagrant", Optional.of(otherKey), Optional.empty())).exec("true", Duration.ofSeconds(30)));

        assertFalse(e instanceof GuestUnreachableException, e.getMessage());
        assertTrue(e.getMessage().contains("refused the login as vagrant"), e.getMessage());
    }

    @Test
    void aPasswordLogsInWhereTheBoxHasNoKeyForUs() {
        CommandResult r = shell(new SshTarget("127.0.0.1", server.port(), "vagrant", Optional.empty(),
                Optional.of(TestSshServer.PASSWORD))).exec("echo in", Duration.ofSeconds(30));

        assertEquals("in\n", r.stdout());
    }

    @Test
    void filesTravelWholeBothWaysOverSftp() throws Exception {
        byte[] bytes = new byte[3 * 1024 * 1024 + 17];
        new Random(1).nextBytes(bytes);
        Path local = Files.write(dir.resolve("local.bin"), bytes);
        SshGuestShell s = shell(server.keyTarget());

        s.upload(local, server.guestPath("up.bin"));
        s.download(server.guestPath("up.bin"), dir.resolve("back/down.bin"));

        assertArrayEquals(bytes, Files.readAllBytes(server.root().resolve("up.bin")));
        assertArrayEquals(bytes, Files.readAllBytes(dir.resolve("back/down.bin")));
    }

    @Test
    void aDownloadThatFailsLeavesNoFileBehind() {
        SshGuestShell s = shell(server.keyTarget());

        LabException e = assertThrows(LabException.class,
                () -> s.download(server.guestPath("missing.dmp"), dir.resolve("missing.dmp")));

        assertTrue(e.getMessage().startsWith("fetching the guest's"), e.getMessage());
        assertFalse(Files.exists(dir.resolve("missing.dmp")));
        assertFalse(Files.exists(dir.resolve("missing.dmp.part")));
    }

    @Test
    void aConversationAnswersEachLineWithALineOverOneChannel() {
        SshGuestShell s = shell(server.keyTarget());

        try (GuestShell.Conversation c = s.converse("echo ready; while read l; do echo \"got $l\"; done")) {
            assertEquals(Optional.of("ready"), c.readLine(Duration.ofSeconds(30)));
            assertEquals(List.of("got one", "got two"), List.of(c.ask("one", Duration.ofSeconds(30)),
                    c.ask("two", Duration.ofSeconds(30))));
        }
    }

    @Test
    void aConversationWhoseCommandEndedSaysSoInsteadOfWaiting() {
        SshGuestShell s = shell(server.keyTarget());

        try (GuestShell.Conversation c = s.converse("echo bye")) {
            assertEquals(Optional.of("bye"), c.readLine(Duration.ofSeconds(30)));
            assertEquals(Optional.empty(), c.readLine(Duration.ofSeconds(30)));
        }
    }

    @Test
    void theKeyFileVagrantNamesIsReadFromItsSshConfig() throws Exception {
        String sshConfig = "Host default\n  HostName 192.168.121.248\n  User vagrant\n  Port 22\n"
                + "  UserKnownHostsFile /dev/null\n  StrictHostKeyChecking no\n  PasswordAuthentication no\n"
                + "  IdentityFile " + server.keyFile() + "\n  IdentitiesOnly yes\n  LogLevel FATAL\n";

        SshTarget target = SshTarget.fromSshConfig(sshConfig, Optional.empty());

        assertEquals(new SshTarget("192.168.121.248", 22, "vagrant", Optional.of(server.keyFile()), Optional.empty()),
                target);
    }

    @Test
    void sshConfigWithoutAnAddressSaysTheMachineIsNotUp() {
        LabException e = assertThrows(LabException.class, () -> SshTarget.fromSshConfig("", Optional.empty()));

        assertInstanceOf(LabException.class, e);
        assertEquals("vagrant ssh-config names no HostName and User: is the machine up?", e.getMessage());
    }
}
