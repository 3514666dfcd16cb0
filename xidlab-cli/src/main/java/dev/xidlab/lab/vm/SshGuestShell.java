package dev.xidlab.lab.vm;

import dev.xidlab.lab.LabException;
import dev.xidlab.lab.runner.CommandResult;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelExec;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.NamedResource;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.util.security.SecurityUtils;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;

/**
 * The guest over SSH with Apache MINA SSHD: one connection for many commands (no Ruby or ssh process per call),
 * real exit codes, a timeout per command, SFTP for files in both directions, and keepalives that end a session
 * whose peer stopped answering. That last part matters most: a bugchecked machine sends no FIN, so without
 * keepalives a session to it never ends.
 *
 * <p>The server's host key is accepted without a known_hosts check: the guest is a VM this host created on a
 * private libvirt network, and its key changes whenever the box is rebuilt.
 */
public final class SshGuestShell implements GuestShell {

    /** How often to ask the guest for a sign of life, and how many unanswered asks end the session. */
    public record Keepalive(Duration interval, int missedMax) {

        /** 5 s x 3, as measured on a real guest: a panicked guest's session ends about 15-20 s after the panic. */
        public static final Keepalive DEFAULT = new Keepalive(Duration.ofSeconds(5), 3);
    }

    /**
     * The TCP connect: milliseconds to a guest that is up, so a short bound keeps a rebooting guest's polls frequent
     * (a SYN to a guest that is down waits the whole bound).
     */
    private static final Duration CONNECT = Duration.ofSeconds(5);
    /** Key exchange and login: a guest on a software CPU is slow at both. */
    private static final Duration LOGIN = Duration.ofSeconds(30);

    private final SshTarget target;
    private final Keepalive keepalive;
    private SshClient client;
    private ClientSession session;

    public SshGuestShell(SshTarget target, Keepalive keepalive) {
        this.target = target;
        this.keepalive = keepalive;
    }

    public SshTarget target() {
        return target;
    }

    @Override
    public CommandResult exec(String commandLine, Duration timeout) {
        ClientSession s = session();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (ChannelExec channel = s.createExecChannel(commandLine)) {
            channel.setOut(out);
            channel.setErr(err);
            channel.open().verify(LOGIN);
            Set<ClientChannelEvent> events = channel.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), timeout);
            Integer status = channel.getExitStatus();
            if (events.contains(ClientChannelEvent.TIMEOUT) && status == null) {
                if (!s.isOpen()) {
                    throw lost(s, null);
                }
                return new CommandResult(-1, text(out), text(err), true);
            }
            if (status == null) {
                // Closed without an exit status: the session under it died (keepalives unanswered, reset).
                throw lost(s, null);
            }
            return new CommandResult(status, text(out), text(err), false);
        } catch (IOException e) {
            throw lost(s, e);
        }
    }

    @Override
    public Conversation converse(String commandLine) {
        ClientSession s = session();
        ChannelExec channel;
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try {
            channel = s.createExecChannel(commandLine);
            channel.setErr(err);
            channel.open().verify(LOGIN);
        } catch (IOException e) {
            throw lost(s, e);
        }
        return new ChannelConversation(channel, err);
    }

    /** Lines from the channel's stdout are read on a thread of their own, so a wait can time out. */
    private final class ChannelConversation implements Conversation {

        private static final String END = "\u0000end";
        private final ChannelExec channel;
        private final ByteArrayOutputStream err;
        private final OutputStream in;
        private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

        ChannelConversation(ChannelExec channel, ByteArrayOutputStream err) {
            this.channel = channel;
            this.err = err;
            this.in = channel.getInvertedIn();
            Thread reader = new Thread(this::read, "xidlab-guest-conversation");
            reader.setDaemon(true);
            reader.start();
        }

        private void read() {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(
                    channel.getInvertedOut(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = out.readLine()) != null) {
                    lines.add(line);
                }
            } catch (IOException e) {
                // The channel closed under us: the end of the conversation.
            } finally {
                lines.add(END);
            }
        }

        @Override
        public Optional<String> readLine(Duration timeout) {
            try {
                String line = lines.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (line == null || line.equals(END)) {
                    if (line != null) {
                        lines.add(END);
                    }
                    return Optional.empty();
                }
                return Optional.of(line.strip());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }

        @Override
        public String ask(String line, Duration timeout) {
            try {
                in.write((line + "\n").getBytes(StandardCharsets.UTF_8));
                in.flush();
            } catch (IOException e) {
                throw lost(session, e);
            }
            return readLine(timeout).orElseThrow(() -> session == null || !session.isOpen()
                    ? lost(session, null)
                    : new LabException("the guest's " + channelName() + " did not answer within "
                    + timeout.toSeconds() + " s"));
        }

        private String channelName() {
            return "xidlab process";
        }

        @Override
        public String errorOutput() {
            synchronized (err) {
                return err.toString(StandardCharsets.UTF_8);
            }
        }

        @Override
        public Optional<Integer> exitStatus(Duration wait) {
            channel.waitFor(EnumSet.of(ClientChannelEvent.EXIT_STATUS,
                    ClientChannelEvent.CLOSED), wait);
            return Optional.ofNullable(channel.getExitStatus());
        }

        @Override
        public void close() {
            try {
                in.close();
            } catch (IOException e) {
                // Closing stdin ends the command; if the channel is already gone, so is the command.
            }
            try {
                channel.close(false);
            } catch (RuntimeException e) {
                // Gone either way.
            }
        }
    }

    @Override
    public void upload(Path source, String guestPath) {
        try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session());
             OutputStream to = sftp.write(guestPath)) {
            Files.copy(source, to);
        } catch (IOException e) {
            if (session == null || !session.isOpen()) {
                throw lost(session, e);
            }
            throw new LabException("uploading " + source.getFileName() + " to the guest's " + guestPath + " failed: "
                    + message(e), e);
        }
    }

    @Override
    public void download(String guestPath, Path target) {
        Path partial = target.resolveSibling(target.getFileName() + ".part");
        try (SftpClient sftp = SftpClientFactory.instance().createSftpClient(session());
             InputStream from = sftp.read(guestPath)) {
            Files.createDirectories(target.toAbsolutePath().getParent());
            Files.copy(from, partial, StandardCopyOption.REPLACE_EXISTING);
            Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteQuietly(partial);
            if (session == null || !session.isOpen()) {
                throw lost(session, e);
            }
            throw new LabException("fetching the guest's " + guestPath + " failed: " + message(e), e);
        }
    }

    @Override
    public boolean listening(Duration bound) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(target.host(), target.port()), (int) bound.toMillis());
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** The open session, or a new one: a rebooted guest is reached again by the next call. */
    private synchronized ClientSession session() {
        if (session != null && session.isOpen()) {
            return session;
        }
        disconnect();
        if (client == null) {
            client = SshClient.setUpDefaultClient();
            client.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
            CoreModuleProperties.HEARTBEAT_INTERVAL.set(client, keepalive.interval());
            CoreModuleProperties.HEARTBEAT_REPLY_WAIT.set(client, keepalive.interval());
            CoreModuleProperties.HEARTBEAT_NO_REPLY_MAX.set(client, keepalive.missedMax());
            client.start();
        }
        ClientSession s = null;
        try {
            s = client.connect(target.user(), target.host(), target.port()).verify(CONNECT).getSession();
        } catch (IOException e) {
            throw new GuestUnreachableException("the guest at " + target + " does not answer: " + message(e), e);
        }
        try {
            if (target.password().isPresent()) {
                s.addPasswordIdentity(target.password().get());
            }
            if (target.identityFile().isPresent()) {
                for (KeyPair key : keys(target.identityFile().get())) {
                    s.addPublicKeyIdentity(key);
                }
            }
            s.auth().verify(LOGIN);
        } catch (IOException e) {
            closeQuietly(s);
            if (!s.isOpen() && isConnectionProblem(e)) {
                throw new GuestUnreachableException("the guest at " + target + " dropped the login: " + message(e), e);
            }
            throw new LabException("the guest at " + target + " refused the login as " + target.user()
                    + " (" + target.identityFile().map(f -> "key " + f).orElse("password") + "): " + message(e), e);
        }
        session = s;
        return s;
    }

    private static boolean isConnectionProblem(IOException e) {
        return !(e instanceof SshException) || e.getMessage() == null || !e.getMessage().contains("No more authentication methods");
    }

    private static Iterable<KeyPair> keys(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            Iterable<KeyPair> keys = SecurityUtils.loadKeyPairIdentities(null, NamedResource.ofName(file.toString()),
                    in, null);
            if (keys == null) {
                throw new LabException("no private key in " + file);
            }
            return keys;
        } catch (IOException | GeneralSecurityException e) {
            throw new LabException("cannot read the guest's private key " + file + ": " + message(e), e);
        }
    }

    private GuestUnreachableException lost(ClientSession s, Exception cause) {
        disconnect();
        return new GuestUnreachableException("the connection to the guest at " + target + " was lost"
                + (cause == null ? "" : ": " + message(cause)), cause);
    }

    @Override
    public synchronized void disconnect() {
        if (session != null) {
            closeQuietly(session);
            session = null;
        }
    }

    @Override
    public synchronized void close() {
        disconnect();
        if (client != null) {
            client.stop();
            client = null;
        }
    }

    private static void closeQuietly(ClientSession s) {
        try {
            s.close(true);
        } catch (RuntimeException e) {
            // Closing a dead session can fail; it is gone either way.
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // A leftover .part file is harmless and replaced by the next attempt.
        }
    }

    private static String text(ByteArrayOutputStream bytes) {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    private static String message(Exception e) {
        String m = e.getMessage();
        return m == null || m.isBlank() ? e.getClass().getSimpleName() : m.lines().findFirst().orElse(m);
    }
}
