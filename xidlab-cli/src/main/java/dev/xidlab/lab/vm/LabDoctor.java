package dev.xidlab.lab.vm;

import dev.xidlab.lab.LabException;
import dev.xidlab.lab.runner.CommandResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Everything a real VM lab needs, checked in the order a user would fix it, each failure with its fix: first the
 * host (vagrant, its libvirt plugin, libvirtd, how the guest's CPU runs, the storage pool, the network's DHCP
 * server, the box, the built driver and jar), then, when the machine is up, the guest's own list
 * ({@link GuestOs#checks}).
 */
public final class LabDoctor {

    /** One check's outcome. */
    public record Finding(String check, Status status, String detail, String fix) {

        public enum Status { OK, WARN, FAIL, SKIPPED }

        static Finding ok(String check, String detail) {
            return new Finding(check, Status.OK, detail, "");
        }

        static Finding fail(String check, String detail, String fix) {
            return new Finding(check, Status.FAIL, detail, fix);
        }

        static Finding warn(String check, String detail, String fix) {
            return new Finding(check, Status.WARN, detail, fix);
        }
    }

    /** The host's parts the checks look at; standInCache is where build-standin-box.sh keeps its boxes. */
    record Host(VagrantMachine machine, Libvirt libvirt, Supplier<Acceleration> acceleration, String pool,
                List<Path> dnsmasqPlaces, Path standInCache) {
    }

    private static final Duration QUICK = Duration.ofMinutes(1);

    private LabDoctor() {
    }

    static List<Finding> host(Host host, VagrantLab.Setup setup, GuestOs guest) {
        List<Finding> findings = new ArrayList<>();
        boolean vagrant = check(findings, "vagrant", () -> Finding.ok("vagrant", host.machine().version()),
                "apt-get install vagrant vagrant-libvirt, or XIDLAB_VAGRANT=container");
        if (vagrant) {
            check(findings, "vagrant-libvirt plugin", () -> host.machine().plugins().contains("vagrant-libvirt")
                    ? Finding.ok("vagrant-libvirt plugin", "installed")
                    : Finding.fail("vagrant-libvirt plugin", "not installed", "apt-get install vagrant-libvirt"), "");
        }
        Optional<String> libvirtd = host.libvirt().unreachableReason();
        findings.add(libvirtd.map(r -> Finding.fail("libvirtd", r, "start virtlogd and libvirtd (virtlogd -d;"
                        + " libvirtd -d), and be root or in group libvirt"))
                .orElse(Finding.ok("libvirtd", "answers at " + host.libvirt().uri())));
        Acceleration a = host.acceleration().get();
        findings.add(a.kvm() ? Finding.ok("hardware virtualisation (KVM)", a.detail())
                : Finding.warn("hardware virtualisation (KVM)", a.describe(), "a host where KVM runs ordinary guests"
                + " (bare metal, or nested virtualisation on); XIDLAB_ACCEL=kvm skips the probe"));
        findings.add(libvirtd.isEmpty() ? pool(host) : new Finding("storage pool '" + host.pool() + "'",
                Finding.Status.SKIPPED, "libvirtd does not answer", ""));
        findings.add(host.dnsmasqPlaces().stream().anyMatch(Files::isExecutable)
                ? Finding.ok("network (dnsmasq)", "libvirt can serve the guest's DHCP")
                : Finding.fail("network (dnsmasq)", "no dnsmasq: libvirt's NAT networks give the guest no address",
                "apt-get install dnsmasq-base"));
        if (vagrant) {
            check(findings, "box " + setup.box(), () -> host.machine().boxes().contains(setup.box())
                    ? Finding.ok("box " + setup.box(), "added")
                    : Finding.fail("box " + setup.box(), "not added for libvirt", guest.standIn()
                    ? "scripts/build-standin-box.sh, then vagrant box add --name " + StandInGuest.BOX + " FILE"
                    : "vagrant box add --name " + setup.box() + " BOX (requirements: vagrant/README.md), or set"
                    + " XIDLAB_BOX"), "");
        }
        if (guest.standIn()) {
            findings.add(cachedManifest(host.standInCache()));
        }
        findings.add(built(setup, guest));
        return findings;
    }

    /** The packages scripts/build-driver.sh needs; without them mvn package skips the driver with one log line. */
    private static final String DRIVER_TOOLS = "apt-get install gcc-mingw-w64-x86-64 mingw-w64-x86-64-dev osslsigncode";

    /**
     * What the lab uploads into its guest: the jar, and for Windows the driver. A missing one is named with the step
     * that builds it; the jar is often there (./xidlab built it) when the driver is not, because mvn package builds
     * the driver only where mingw-w64 and osslsigncode are installed.
     */
    private static Finding built(VagrantLab.Setup setup, GuestOs guest) {
        String check = "driver and jar built";
        boolean jar = Files.isRegularFile(setup.jar());
        Path driverFile = setup.driverDir().resolve("xidfilter.sys");
        boolean driver = guest.standIn() || Files.isRegularFile(driverFile);
        if (jar && driver) {
            return Finding.ok(check, guest.standIn() ? setup.jar().toString() : setup.jar() + ", " + driverFile);
        }
        if (!driver && !jar) {
            return Finding.fail(check, "missing: " + setup.jar() + " and " + driverFile, "mvn package builds both"
                    + " (the driver only with mingw-w64 and osslsigncode: " + DRIVER_TOOLS + ")");
        }
        if (!jar) {
            return Finding.fail(check, "missing: " + setup.jar(), "mvn package builds it (./xidlab does too)");
        }
        return Finding.fail(check, "missing: " + driverFile + " (the jar is built)", "bash scripts/build-driver.sh "
                + setup.driverDir() + " builds it (mvn package runs it), with mingw-w64 and osslsigncode installed: "
                + DRIVER_TOOLS);
    }

    /**
     * What the cache's stand-in box is made of, from the manifest beside it; the guest's own is checked in the
     * guest ({@link StandInGuest#checks}). Never a failure: the lab works with any stand-in box, and this is for
     * telling boxes apart.
     */
    static Finding cachedManifest(Path cache) {
        String name = "manifest in the cache";
        String build = "scripts/build-standin-box.sh builds the box and its manifest, then vagrant box add --force"
                + " --name " + StandInGuest.BOX + " FILE";
        try {
            Optional<Path> box = StandInManifest.newestBox(cache);
            if (box.isEmpty()) {
                return Finding.warn(name, "no stand-in box in " + cache, build);
            }
            Path manifest = StandInManifest.besideBox(box.get());
            if (!Files.isRegularFile(manifest)) {
                return Finding.warn(name, "no " + manifest.getFileName() + " beside " + box.get() + ": the box was"
                        + " built before boxes recorded what they are made of", build);
            }
            return Finding.ok(name, StandInManifest.read(manifest).summary() + " (" + manifest + ")");
        } catch (IOException e) {
            return Finding.warn(name, "cannot read " + cache + ": " + e, build);
        }
    }

    private static Finding pool(Host host) {
        String name = "storage pool '" + host.pool() + "'";
        Optional<Boolean> active;
        try {
            active = host.libvirt().poolActive(host.pool());
        } catch (LabException e) {
            return Finding.fail(name, e.getMessage(), "apt-get install libvirt-clients");
        }
        if (active.isEmpty()) {
            return Finding.warn(name, "not defined yet", "vagrant-libvirt defines it (in /var/lib/libvirt/images) on"
                    + " the first up; or virsh pool-define-as " + host.pool() + " dir --target /var/lib/libvirt/images"
                    + " && virsh pool-start " + host.pool());
        }
        return active.get() ? Finding.ok(name, "active")
                : Finding.fail(name, "defined but not active", "virsh pool-start " + host.pool());
    }

    /**
     * The guest's own list, run over its shell. The first finding is the login itself: every other check needs
     * it, and for Windows it proves the OpenSSH server and the administrator's key.
     */
    static List<Finding> guest(GuestShell shell, GuestOs guest) {
        List<Finding> findings = new ArrayList<>();
        CommandResult identity;
        try {
            identity = shell.exec(guest.commandLine(guest.identityScript()), QUICK);
        } catch (LabException e) {
            findings.add(Finding.fail("SSH login", e.getMessage(), guest.standIn()
                    ? "use the box scripts/build-standin-box.sh builds"
                    : "Windows' OpenSSH server on, and the key in C:\\ProgramData\\ssh\\administrators_authorized_keys"
                    + " (vagrant/bootstrap/enable-openssh.ps1)"));
            return findings;
        }
        findings.add(guest.isThisOs(identity) ? Finding.ok("SSH login", identity.stdout().strip().lines()
                .findFirst().orElse(""))
                : Finding.fail("SSH login", "the guest is not " + guest.name() + ": " + identity.stdout().strip(),
                "XIDLAB_BOX names the wrong box"));
        for (GuestCheck check : guest.checks()) {
            CommandResult r;
            try {
                r = shell.exec(guest.commandLine(check.script()), QUICK);
            } catch (LabException e) {
                findings.add(Finding.fail(check.name(), e.getMessage(), check.fix()));
                continue;
            }
            String said = (r.stdout().isBlank() ? r.stderr() : r.stdout()).strip().lines().reduce((x, y) -> y)
                    .orElse("exit " + r.exitCode());
            if (check.reading().isPresent() && r.succeeded()) {
                GuestCheck.Judged judged = check.reading().get().read(r.stdout());
                findings.add(judged.ok() ? Finding.ok(check.name(), judged.detail())
                        : Finding.fail(check.name(), judged.detail(), check.fix()));
            } else if (r.exitCode() == check.passExit()) {
                findings.add(Finding.ok(check.name(), said));
            } else if (r.exitCode() == GuestCheck.WARN && check.passExit() == GuestCheck.PASS) {
                findings.add(Finding.warn(check.name(), said, check.fix()));
            } else {
                findings.add(Finding.fail(check.name(), said, check.fix()));
            }
        }
        return findings;
    }

    private static boolean check(List<Finding> findings, String name, Supplier<Finding> check, String fix) {
        try {
            Finding f = check.get();
            findings.add(f);
            return f.status() != Finding.Status.FAIL;
        } catch (LabException e) {
            findings.add(Finding.fail(name, e.getMessage(), fix));
            return false;
        }
    }
}
