package dev.xidlab.lab.vm;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real in-process SSH "guest" ({@link TestSshServer}) and a shell logged in to it, for each test that asks: started
 * on the first {@link #server()} or {@link #shell()} of a test, stopped after it with its directory.
 */
final class SshGuestExtension implements AfterEachCallback {

    private final boolean hostPaths;
    private final SshGuestShell.Keepalive keepalive;
    private Path dir;
    private TestSshServer server;
    private SshGuestShell shell;

    private SshGuestExtension(boolean hostPaths, SshGuestShell.Keepalive keepalive) {
        this.hostPaths = hostPaths;
        this.keepalive = keepalive;
    }

    /** A server whose SFTP root is a directory of its own (a guest's drive). */
    static SshGuestExtension guestRoot() {
        return new SshGuestExtension(false, SshGuestShell.Keepalive.DEFAULT);
    }

    /** A server whose SFTP paths are the host's own ({@link TestSshServer#startOnHostPaths}). */
    static SshGuestExtension hostPaths() {
        return new SshGuestExtension(true, SshGuestShell.Keepalive.DEFAULT);
    }

    /** The same guest, its shell with these keepalives. */
    SshGuestExtension keepalive(SshGuestShell.Keepalive keepalive) {
        return new SshGuestExtension(hostPaths, keepalive);
    }

    TestSshServer server() {
        if (server == null) {
            try {
                dir = Files.createTempDirectory("xidlab-ssh-");
                server = hostPaths ? TestSshServer.startOnHostPaths(dir) : TestSshServer.start(dir);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return server;
    }

    SshGuestShell shell() {
        if (shell == null) {
            shell = new SshGuestShell(server().keyTarget(), keepalive);
        }
        return shell;
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        if (shell != null) {
            shell.close();
            shell = null;
        }
        if (server != null) {
            server.close();
            server = null;
        }
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
            dir = null;
        }
    }
}
