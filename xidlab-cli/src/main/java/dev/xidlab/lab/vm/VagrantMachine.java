package dev.xidlab.lab.vm;

import dev.xidlab.lab.LabException;
import dev.xidlab.lab.LabUnavailableException;
import dev.xidlab.lab.runner.CommandResult;
import dev.xidlab.lab.runner.CommandRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The VM's life, which is what Vagrant is for: the box, {@code up} (create, start, provision), {@code halt},
 * {@code destroy}, and where to reach the machine ({@code ssh-config}). Everything said to the guest goes through
 * the SSH transport instead; everything about the running domain through libvirt.
 */
public final class VagrantMachine {

    private static final Duration QUICK = Duration.ofMinutes(2);
    /** Seconds Vagrant's Windows guest capability waits for a reboot to come back (its default: 120). */
    static final String REBOOT_WAIT = "VAGRANT_MAX_REBOOT_RETRY_DURATION";

    private final CommandRunner runner;
    private final Path directory;
    private final Map<String, String> environment;

    /**
     * @param directory   the Vagrant directory (its Vagrantfile describes the guest)
     * @param environment what the Vagrantfile reads (the libvirt driver the KVM probe chose, guest sizes)
     */
    public VagrantMachine(CommandRunner runner, Path directory, Map<String, String> environment) {
        this.runner = runner;
        this.directory = directory;
        this.environment = Map.copyOf(environment);
    }

    public Path directory() {
        return directory;
    }

    /** {@code vagrant up}: creates, starts and (the first time) provisions the machine. */
    public void up(Duration timeout) {
        CommandResult r = vagrant(timeout, "up", "--provider=libvirt");
        if (!r.succeeded()) {
            throw new LabException("vagrant up failed: " + r.lastErrorLine());
        }
    }

    /** {@code vagrant provision}: runs the provisioners again (a guest that lost its setup). */
    public void provision(Duration timeout) {
        CommandResult r = vagrant(timeout, "provision");
        if (!r.succeeded()) {
            throw new LabException("vagrant provision failed: " + r.lastErrorLine());
        }
    }

    public void halt(boolean force, Duration timeout) {
        CommandResult r = force ? vagrant(timeout, "halt", "--force") : vagrant(timeout, "halt");
        if (!r.succeeded()) {
            throw new LabException("vagrant halt failed: " + r.lastErrorLine());
        }
    }

    public void destroy(Duration timeout) {
        CommandResult r = vagrant(timeout, "destroy", "--force");
        if (!r.succeeded()) {
            throw new LabException("vagrant destroy failed: " + r.lastErrorLine());
        }
    }

    /** Where the running machine's SSH server is and which key Vagrant logs in with. */
    public SshTarget sshTarget(Optional<String> password) {
        CommandResult r = vagrant(QUICK, "ssh-config");
        if (!r.succeeded()) {
            throw new LabException("vagrant ssh-config failed (is the machine up?): " + r.lastErrorLine());
        }
        return SshTarget.fromSshConfig(r.stdout(), password);
    }

    /**
     * The libvirt domain's UUID, which vagrant-libvirt keeps in Vagrant's dot directory (.vagrant/, or where
     * VAGRANT_DOTFILE_PATH puts it); empty before the first up.
     */
    public Optional<String> domainId() {
        Path id = stateDirectory().resolve("machines/default/libvirt/id");
        try {
            String text = Files.isRegularFile(id) ? Files.readString(id).strip() : "";
            return text.isEmpty() ? Optional.empty() : Optional.of(text);
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Vagrant's dot directory for this machine: .vagrant/, or where VAGRANT_DOTFILE_PATH puts it. */
    public Path stateDirectory() {
        String dotfile = environment.get("VAGRANT_DOTFILE_PATH");
        return (dotfile == null || dotfile.isBlank() ? directory.resolve(".vagrant") : directory.resolve(dotfile))
                .toAbsolutePath();
    }

    /**
     * Where the guest's serial console is written (the stand-in's Vagrantfile reads XIDLAB_CONSOLE_LOG): the last
     * words of a kernel that panicked, which no SSH session lives to carry.
     */
    public Path consoleLog() {
        return stateDirectory().resolve("console.log");
    }

    /** {@code vagrant --version}, or why vagrant cannot run here. */
    public String version() {
        CommandResult r;
        try {
            r = vagrant(QUICK, "--version");
        } catch (LabUnavailableException e) {
            throw e.getMessage().endsWith("(not found on PATH)")
                    ? new LabUnavailableException(e.getMessage() + ": apt-get install vagrant vagrant-libvirt,"
                    + " or XIDLAB_VAGRANT=container to run vagrant in a container") : e;
        }
        if (!r.succeeded()) {
            throw new LabUnavailableException("vagrant does not run: " + r.lastErrorLine());
        }
        return r.stdout().strip();
    }

    /** The installed plugins, as {@code vagrant plugin list} prints them. */
    public String plugins() {
        CommandResult r = vagrant(QUICK, "plugin", "list");
        if (!r.succeeded()) {
            throw new LabUnavailableException("vagrant plugin list failed: " + r.lastErrorLine());
        }
        return r.stdout();
    }

    /** The boxes Vagrant has for libvirt, by name. */
    public List<String> boxes() {
        CommandResult r = vagrant(QUICK, "box", "list");
        if (!r.succeeded()) {
            throw new LabUnavailableException("vagrant box list failed: " + r.lastErrorLine());
        }
        List<String> names = new ArrayList<>();
        r.stdout().lines().filter(l -> l.contains("(libvirt")).forEach(l -> names.add(l.split("\\s+")[0]));
        return names;
    }

    /** Adds (or replaces) a box from a file. */
    public void addBox(String name, Path boxFile, Duration timeout) {
        CommandResult r = vagrant(timeout, "box", "add", "--force", "--name", name, boxFile.toString());
        if (!r.succeeded()) {
            throw new LabException("vagrant box add " + name + " failed: " + r.lastErrorLine());
        }
    }

    private CommandResult vagrant(Duration timeout, String... args) {
        List<String> command = new ArrayList<>();
        command.add("vagrant");
        command.addAll(List.of(args));
        Map<String, String> env = new LinkedHashMap<>(environment);
        // Vagrant prints colour codes and progress bars that would end up in one-line errors.
        env.put("VAGRANT_NO_COLOR", "1");
        env.putIfAbsent("VAGRANT_DEFAULT_PROVIDER", "libvirt");
        env.putIfAbsent("XIDLAB_CONSOLE_LOG", consoleLog().toString());
        // Vagrant asks HashiCorp's servers for news and box updates at every call: neither is reachable from a lab.
        env.putIfAbsent("VAGRANT_CHECKPOINT_DISABLE", "1");
        return runner.run(command, directory, env, timeout);
    }
}
