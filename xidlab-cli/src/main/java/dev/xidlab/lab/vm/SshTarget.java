package dev.xidlab.lab.vm;

import dev.xidlab.lab.LabException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the guest's SSH server is and how to log in: what {@code vagrant ssh-config} prints for the machine (the
 * libvirt network address, the port, the user, the private key Vagrant uses), and the password from the
 * environment where a box has no key for us.
 */
public record SshTarget(String host, int port, String user, Optional<Path> identityFile, Optional<String> password) {

    public SshTarget {
        if (identityFile.isEmpty() && password.isEmpty()) {
            throw new LabException("no way to log in to the guest as " + user + ": neither a key nor a password");
        }
    }

    /**
     * Reads {@code vagrant ssh-config}'s output (ssh_config syntax, one {@code Host} block). The first
     * {@code IdentityFile} that exists is taken, as ssh would try them in order.
     *
     * @throws LabException when the output has no HostName or User (the machine is not up)
     */
    public static SshTarget fromSshConfig(String sshConfig, Optional<String> password) {
        String host = null;
        String user = null;
        int port = 22;
        Path identity = null;
        for (String line : sshConfig.lines().map(String::strip).toList()) {
            int space = line.indexOf(' ');
            if (space < 0 || line.startsWith("#")) {
                continue;
            }
            String key = line.substring(0, space).toLowerCase(Locale.ROOT);
            String value = unquote(line.substring(space + 1).strip());
            switch (key) {
                case "hostname" -> host = value;
                case "user" -> user = value;
                case "port" -> port = parsePort(value);
                case "identityfile" -> {
                    Path candidate = Path.of(value);
                    if (identity == null && candidate.toFile().isFile()) {
                        identity = candidate;
                    }
                }
                default -> {
                }
            }
        }
        if (host == null || user == null) {
            throw new LabException("vagrant ssh-config names no HostName and User: is the machine up?");
        }
        return new SshTarget(host, port, user, Optional.ofNullable(identity), password);
    }

    private static int parsePort(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new LabException("vagrant ssh-config gives a port that is not a number: " + value);
        }
    }

    private static String unquote(String value) {
        return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")
                ? value.substring(1, value.length() - 1) : value;
    }

    /** The same login at another port (a forwarded one, say). */
    public SshTarget withPort(int otherPort) {
        return new SshTarget(host, otherPort, user, identityFile, password);
    }

    @Override
    public String toString() {
        return user + "@" + host + ":" + port;
    }
}
