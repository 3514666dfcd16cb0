package dev.xidlab.lab.vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.shell.ProcessShellCommandFactory;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

/**
 * A real SSH server on loopback for the transport's tests: Apache MINA SSHD's, running each command with the
 * system shell and serving SFTP below a directory, with one account that logs in by key or by password.
 */
record TestSshServer(SshServer server, Path root, Path keyFile) implements AutoCloseable {

    static final String PASSWORD = "vagrant";

    static TestSshServer start(Path dir) throws IOException {
        return start(dir, Files.createDirectories(dir.resolve("guest")));
    }

    /**
     * A server whose SFTP paths are the host's own, as a guest's are the same for its SSH commands and its SFTP:
     * what a command in the "guest" prints about a file is about the file that was uploaded.
     */
    static TestSshServer startOnHostPaths(Path dir) throws IOException {
        return start(dir, Path.of("/"));
    }

    private static TestSshServer start(Path dir, Path root) throws IOException {
        Path keyFile = dir.resolve("id.pem");
        KeyPair key = writeKey(keyFile);
        SshServer server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(new SimpleGeneratorHostKeyProvider(dir.resolve("hostkey.ser")));
        server.setPublickeyAuthenticator((user, offered, session) -> user.equals("vagrant")
                && offered.equals(key.getPublic()));
        server.setPasswordAuthenticator((user, password, session) -> user.equals("vagrant")
                && password.equals(PASSWORD));
        server.setCommandFactory(ProcessShellCommandFactory.INSTANCE);
        server.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        server.setFileSystemFactory(new VirtualFileSystemFactory(root));
        server.start();
        return new TestSshServer(server, root, keyFile);
    }

    /** A new RSA key pair, its private half written as PKCS#8 PEM (what ssh-keygen and Vagrant write too). */
    static Path writeNewKey(Path file) throws IOException {
        writeKey(file);
        return file;
    }

    private static KeyPair writeKey(Path file) throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            KeyPair pair = generator.generateKeyPair();
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                    .encodeToString(pair.getPrivate().getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            Files.writeString(file, pem);
            return pair;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    int port() {
        return server.getPort();
    }

    SshTarget keyTarget() {
        return new SshTarget("127.0.0.1", port(), "vagrant", Optional.of(keyFile), Optional.empty());
    }

    /** The SFTP path of a file in the served directory. */
    String guestPath(String name) {
        return "/" + name;
    }

    @Override
    public void close() throws IOException {
        server.stop(true);
    }
}
