package dev.xidlab.lab;

import dev.xidlab.cli.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A host where vagrant answers from a script: each command is described as a user would read it ("vagrant up
 * --provider=libvirt", or "guest: " and the decoded PowerShell of a {@code vagrant ssh -c}), and the first rule
 * whose text the description contains answers it. One-shot rules answer once, so a sequence (a guest that does
 * not answer, then does) reads in order. Every command is recorded.
 */
final class ScriptedVagrant implements CommandRunner {

    private record Rule(String contains, Function<String, CommandResult> answer) {
    }

    private static final Pattern RAW = Pattern.compile("driver raw --device windows (.*)$");

    /** Consulted first, in the order given, each dropped once it answered. */
    private final List<Rule> onceRules = new ArrayList<>();
    private final List<Rule> alwaysRules = new ArrayList<>();
    final List<String> commands = new ArrayList<>();

    static CommandResult ok(String stdout) {
        return new CommandResult(0, stdout, "", false);
    }

    static CommandResult failed(int exit, String stderr) {
        return new CommandResult(exit, "", stderr, false);
    }

    static CommandResult timedOut() {
        return new CommandResult(-1, "", "", true);
    }

    /** A host with vagrant, vagrant-libvirt and the box: every availability check passes. */
    static ScriptedVagrant readyHost() {
        return new ScriptedVagrant()
                .always("vagrant --version", ok("Vagrant 2.3.7\n"))
                .always("vagrant plugin list", ok("vagrant-libvirt (0.11.2, system)\n"))
                .always("vagrant box list", ok("xidlab/windows (libvirt, 0)\n"))
                .always("vagrant up", ok("==> default: Machine already provisioned.\n"))
                .always("vagrant upload", ok(""))
                .always("java -version", new CommandResult(0, "", "openjdk version \"17.0.13\" 2024-10-15\n", false))
                .always("install-driver.ps1", ok("xidfilter loaded\n"))
                .always("New-Item -ItemType Directory", ok(""));
    }

    /**
     * A checkout as the VM lab needs it (Vagrantfile, install script, built driver and jar), and a stand-in for
     * /dev/kvm, under {@code dir}; returns the checkout.
     */
    static Path builtCheckout(Path dir) throws IOException {
        Path home = dir.resolve("checkout");
        Files.createDirectories(home.resolve("vagrant/provision"));
        Files.writeString(home.resolve("vagrant/Vagrantfile"), "# the guest\n");
        Files.writeString(home.resolve("vagrant/provision/install-driver.ps1"), "# install\n");
        Files.createDirectories(home.resolve("target/driver"));
        Files.writeString(home.resolve("target/driver/xidfilter.sys"), "MZ");
        Files.writeString(home.resolve("target/xidlab.jar"), "PK");
        Files.writeString(dir.resolve("kvm"), "");
        return home;
    }

    /**
     * The guest's {@code xidlab driver raw --device windows} answered by this process's xidlab on the kernel model
     * (its service key where -Dxidlab.sim.state says), so the bytes the host's codec reads are a real driver's.
     */
    ScriptedVagrant withModelDriverInGuest() {
        return always("driver raw --device windows", description -> {
            Matcher m = RAW.matcher(description);
            if (!m.find()) {
                throw new AssertionError("not a driver raw command: " + description);
            }
            List<String> argv = new ArrayList<>(List.of("driver", "raw", "--device", "sim"));
            argv.addAll(List.of(m.group(1).replace("--in ''", "--in=").split(" ")));
            CliRun r = CliRun.of(argv.toArray(String[]::new));
            return new CommandResult(r.exitCode(), r.out(), r.err(), false);
        });
    }

    ScriptedVagrant always(String contains, CommandResult result) {
        alwaysRules.add(new Rule(contains, d -> result));
        return this;
    }

    ScriptedVagrant always(String contains, Function<String, CommandResult> answer) {
        alwaysRules.add(new Rule(contains, answer));
        return this;
    }

    /** Answers the next matching command once, before the always-rules and after earlier one-shot rules. */
    ScriptedVagrant once(String contains, CommandResult result) {
        onceRules.add(new Rule(contains, d -> result));
        return this;
    }

    @Override
    public CommandResult run(List<String> command, Path directory, Duration timeout) {
        String description = describe(command);
        commands.add(description);
        for (Rule rule : onceRules) {
            if (description.contains(rule.contains())) {
                onceRules.remove(rule);
                return rule.answer().apply(description);
            }
        }
        for (Rule rule : alwaysRules) {
            if (description.contains(rule.contains())) {
                return rule.answer().apply(description);
            }
        }
        throw new AssertionError("the script has no answer for: " + description);
    }

    static String describe(List<String> command) {
        if (command.equals(List.of("vagrant", "ssh", "--no-tty", "-c", command.get(command.size() - 1)))) {
            return "guest: " + VagrantGuest.decodeCommand(command.get(command.size() - 1));
        }
        return String.join(" ", command);
    }

    long count(String contains) {
        return commands.stream().filter(c -> c.contains(contains)).count();
    }
}
