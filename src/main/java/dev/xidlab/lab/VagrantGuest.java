package dev.xidlab.lab;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The Windows guest of a Vagrant directory, reached with {@code vagrant ssh} and {@code vagrant upload}. Guest
 * commands are PowerShell sent as {@code -EncodedCommand} (base64 of UTF-16LE), so no quoting survives or breaks
 * on the way through the host shell-less exec, ssh and whatever shell the box's OpenSSH server starts (cmd.exe
 * by default, PowerShell when the box set DefaultShell).
 */
public final class VagrantGuest {

    private final CommandRunner runner;
    private final Path vagrantDir;

    public VagrantGuest(CommandRunner runner, Path vagrantDir) {
        this.runner = runner;
        this.vagrantDir = vagrantDir;
    }

    /** Runs {@code vagrant ARGS...} on the host in the Vagrant directory. */
    public CommandResult vagrant(Duration timeout, String... args) {
        List<String> command = new ArrayList<>();
        command.add("vagrant");
        command.addAll(List.of(args));
        return runner.run(command, vagrantDir, timeout);
    }

    /**
     * Runs a PowerShell script in the guest. A non-zero exit is the script's failure or a lost connection. No TTY:
     * Windows' OpenSSH would answer through ConPTY, which wraps long lines and adds escape sequences to output that
     * carries JSON and base64.
     */
    public CommandResult powershell(String script, Duration timeout) {
        return vagrant(timeout, "ssh", "--no-tty", "-c", encodedCommand(script));
    }

    /** Like {@link #powershell} but fails with a one-line LabException naming {@code what} unless it succeeded. */
    public String powershellOrFail(String what, String script, Duration timeout) {
        CommandResult result = powershell(script, timeout);
        if (!result.succeeded()) {
            throw new LabException(what + " failed in the guest: " + result.lastErrorLine());
        }
        return result.stdout();
    }

    /** Copies a host file to a guest path (sent with forward slashes, which the guest's scp takes). */
    public void upload(Path source, String guestPath, Duration timeout) {
        CommandResult result = vagrant(timeout, "upload", source.toString(), guestPath.replace('\\', '/'));
        if (!result.succeeded()) {
            throw new LabException("vagrant upload " + source.getFileName() + " failed: " + result.lastErrorLine());
        }
    }

    /** The {@code vagrant ssh -c} argument for a script: powershell with the script base64-encoded as UTF-16LE. */
    static String encodedCommand(String script) {
        String encoded = Base64.getEncoder().encodeToString(script.getBytes(StandardCharsets.UTF_16LE));
        return "powershell -NoProfile -NonInteractive -ExecutionPolicy Bypass -EncodedCommand " + encoded;
    }

    /** The script inside an {@link #encodedCommand}: what tests and logs read. */
    static String decodeCommand(String command) {
        int at = command.lastIndexOf(' ');
        return new String(Base64.getDecoder().decode(command.substring(at + 1)), StandardCharsets.UTF_16LE);
    }

    /** A PowerShell single-quoted string literal. */
    static String quote(String text) {
        return "'" + text.replace("'", "''") + "'";
    }
}
