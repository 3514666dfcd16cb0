package dev.xidlab.lab.vm;

import dev.xidlab.device.ModelOptions;
import dev.xidlab.lab.runner.CommandResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * The stand-in guest (box {@value #BOX}, built by scripts/build-standin-box.sh): Debian with OpenSSH and a JRE,
 * where xidlab runs the kernel model as the "driver" and, when the model bugchecks, writes the model's dump to
 * {@value #DUMP_DIR}, syncs and panics the real Linux kernel ({@code xidlab stress --lab standin}). So the VM
 * really crashes and reboots, and the host finds the dump after the reboot exactly as it would on Windows. It is
 * not a Windows kernel; it proves the host side of the lab, not the driver.
 */
public final class StandInGuest implements GuestOs {

    public static final String BOX = "xidlab/standin-linux";
    /** Written by the box build: the guest-side stand-in lab panics only a kernel that has it. */
    public static final String IDENTITY_FILE = "/etc/xidlab-standin";
    public static final String NOTICE = "stand-in guest: Linux kernel + kernel model; not a Windows kernel";
    static final String HOME = "/opt/xidlab";
    static final String DUMP_DIR = "/var/crash/xidlab";
    static final String STATE = "/var/lib/xidlab/service-key.bin";
    private static final String RUNS = HOME + "/runs";
    /**
     * The installed "driver package": the stand-in's build of a user's driver is the kernel model with that driver
     * in it (make -C driver standin-package), which every model the guest starts loads instead of its own.
     */
    static final String INSTALLED_MODEL = "/var/lib/xidlab/driver.so";
    /** Passes the installed build to a JVM that starts the model; nothing when xidfilter is the driver. */
    private static final String INSTALLED_MODEL_OPTION = "$(test -f " + INSTALLED_MODEL + " && echo -D"
            + dev.xidlab.device.KernelModel.LIBRARY_PROPERTY + "=" + INSTALLED_MODEL + ")";
    private static final String MARK = "/run/xidlab-run";

    /**
     * What every report made with a plan's model block on the stand-in must say: its load runs the model so set up,
     * and with {@code same-thread-fault=wait} a hang there is the model's modelled deadlock, which the guest's load
     * makes real for the host (it stops answering and never finishes), not a hang of a Windows kernel.
     */
    static Optional<String> modelNotice(ModelOptions model) {
        List<String> switches = model.switches();
        if (switches.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("the stand-in's kernel model runs with " + String.join(" ", switches)
                + (model.sameThreadFault() == ModelOptions.SameThreadFault.WAIT ? ": a hang on it is the stand-in's"
                + " modelled hang (the model's deadlock, held by the guest's load), not a Windows kernel's" : ""));
    }

    @Override
    public String name() {
        return "stand-in Linux";
    }

    @Override
    public boolean standIn() {
        return true;
    }

    @Override
    public Optional<Libvirt.PanicModel> panicModel(Acceleration acceleration) {
        return Optional.of(Libvirt.PanicModel.ISA);
    }

    /** The SSH server hands the line to the login shell (bash -c), which runs the script as it is. */
    @Override
    public String commandLine(String script) {
        return script;
    }

    @Override
    public String identityScript() {
        return "uname -s; test -f " + IDENTITY_FILE + " && echo xidlab-standin";
    }

    @Override
    public boolean isThisOs(CommandResult identity) {
        return identity.succeeded() && identity.stdout().contains("Linux") && identity.stdout().contains("xidlab-standin");
    }

    @Override
    public String home() {
        return HOME;
    }

    /** The box is built complete; there is no provisioning. */
    @Override
    public String provisionedScript() {
        return "true";
    }

    @Override
    public String prepareScript() {
        return "sudo -n install -d -o \"$(id -u)\" -g \"$(id -g)\" " + HOME + " " + RUNS
                + " && sudo -n install -d -m 0755 " + DUMP_DIR + " /var/lib/xidlab";
    }

    @Override
    public String makeDirectoryScript(String guestPath) {
        return "mkdir -p '" + guestPath + "'";
    }

    @Override
    public String sha256Script(String guestPath) {
        return "sha256sum '" + guestPath + "' 2>/dev/null | cut -d' ' -f1; true";
    }

    /** coreutils' sync with files fsyncs each of them (and its data), not the whole machine. */
    @Override
    public String flushScript(List<String> guestPaths) {
        return "sync -- " + guestPaths.stream().map(p -> "'" + p + "'").collect(java.util.stream.Collectors.joining(" "));
    }

    /** The journal persists across reboots in the box, so the boot a panic ended can be read after it. */
    @Override
    public String bootLogScript() {
        return "echo '--- the boot before this one (journalctl -b -1)'; sudo -n journalctl -b -1 --no-pager -o short-monotonic"
                + " 2>&1 | tail -n 300; echo '--- this boot (journalctl -b)'; sudo -n journalctl -b --no-pager"
                + " -o short-monotonic 2>&1 | tail -n 300; true";
    }

    @Override
    public String javaScript() {
        return "java -version";
    }

    @Override
    public List<Upload> driverUploads(Path driverDir, Path vagrantDir) {
        return List.of();
    }

    /**
     * The model's driver is in the jar, loaded by every model boot from the saved service key: nothing to install
     * but taking away a user's build, so that xidfilter is the driver again.
     */
    @Override
    public String installDriverScript() {
        return "sudo -n install -d -m 0755 /var/lib/xidlab && sudo -n rm -f " + INSTALLED_MODEL;
    }

    /**
     * Checks the package as the stand-in can (its INF names the module; the module is a build of the kernel model,
     * not a Windows binary, which no Linux guest loads) and installs it as the model every load starts.
     */
    @Override
    public String installPackageScript(dev.xidlab.lab.ForeignDriver driver) {
        String dir = packageDir(driver.module());
        String sys = dir + "/" + driver.module();
        String inf = driver.inf().map(i -> dir + "/" + i.getFileName()).orElse("");
        return "f='" + sys + "'; [ -f \"$f\" ] || { echo \"no $f in the guest\" >&2; exit 1; };"
                + (inf.isEmpty() ? "" : " grep -qiF '" + driver.module() + "' '" + inf + "' || { echo 'its INF does"
                + " not name " + driver.module() + "' >&2; exit 1; };")
                + " [ \"$(head -c 4 \"$f\" | od -An -c | tr -d ' ')\" = '177ELF' ] && grep -qa XmCreate \"$f\" || {"
                + " echo '" + driver.module() + " is not a stand-in build of a driver (make -C driver standin-package):"
                + " the stand-in guest runs no Windows binary' >&2; exit 1; };"
                + " sudo -n install -d -m 0755 /var/lib/xidlab && sudo -n install -m 0644 \"$f\" " + INSTALLED_MODEL
                + " && sync -- " + INSTALLED_MODEL;
    }

    @Override
    public String uninstallPackageScript(dev.xidlab.lab.ForeignDriver driver) {
        return "sudo -n rm -f " + INSTALLED_MODEL;
    }

    /** A site's filter binaries are Windows drivers: no Linux guest runs them. */
    @Override
    public Optional<String> installSitePackageScript(dev.xidlab.lab.SitePackage site) {
        return Optional.empty();
    }

    /** The probe is a shell command line; the installed build is named to it as the loads get it. */
    @Override
    public String probeScript(String command) {
        return "XIDLAB_MODEL_OPTION=\"" + INSTALLED_MODEL_OPTION + "\" " + command;
    }

    @Override
    public String agentCommandLine(String jar) {
        return "sudo -n env XIDLAB_SIM_STATE=" + STATE + " java " + WindowsGuest.QUICK_JVM + " "
                + INSTALLED_MODEL_OPTION + " -jar " + jar + " driver serve --device sim";
    }

    /** /run is a tmpfs: a reboot empties it, and nothing else does. */
    @Override
    public String markScript(String runId) {
        return "echo '" + runId + "' | sudo -n tee " + MARK + " >/dev/null && echo";
    }

    @Override
    public String readMarkScript() {
        return "cat " + MARK + " 2>/dev/null; true";
    }

    @Override
    public String listDumpsScript() {
        return "for f in " + DUMP_DIR + "/*.dmp; do [ -f \"$f\" ] && stat -c '%n\t%s\t%Y' \"$f\"; done; true";
    }

    /** setsid and no inherited descriptors: the load outlives the SSH session that started it. */
    @Override
    public String startLoadScript(String jar, List<String> stressArguments, String runId) {
        String run = RUNS + "/" + runId;
        String command = "XIDLAB_SIM_STATE=" + STATE + " java " + WindowsGuest.QUICK_JVM + " " + INSTALLED_MODEL_OPTION
                + " -XX:ErrorFile=" + run
                + "-hs_err.log -jar " + jar + " stress --lab standin "
                + String.join(" ", stressArguments) + " --result " + run + ".json >" + run + ".log 2>&1;"
                + " echo $? >" + run + ".exit";
        return "sudo -n setsid sh -c '" + command + "' </dev/null >/dev/null 2>&1 & echo started";
    }

    @Override
    public String loadStatusScript(String runId) {
        String run = RUNS + "/" + runId;
        return "if [ -f " + run + ".json ]; then echo RESULT; cat " + run + ".json;"
                + " elif [ -f " + run + ".exit ]; then echo \"ENDED $(cat " + run + ".exit)\"; tail -n 5 " + run + ".log;"
                + " else echo RUNNING; fi";
    }

    @Override
    public List<String> loadLogPaths(String runId) {
        return List.of(RUNS + "/" + runId + ".log", RUNS + "/" + runId + "-hs_err.log");
    }

    @Override
    public Optional<String> bugcheckEventsScript(String eventCursor) {
        return Optional.empty();
    }

    @Override
    public Optional<String> crashNowScript() {
        return Optional.of("sudo -n sh -c 'sync; echo c > /proc/sysrq-trigger'");
    }

    @Override
    public List<String> kernelImages() {
        return List.of();
    }

    @Override
    public List<GuestCheck> checks() {
        return List.of(
                new GuestCheck("stand-in box", "test -f " + IDENTITY_FILE + " && echo 'built by build-standin-box.sh'"
                        + " || { echo 'not the stand-in box'; exit 1; }",
                        "use the box scripts/build-standin-box.sh builds (vagrant box add --name " + BOX + " ...)"),
                new GuestCheck("sudo without a password", "sudo -n true && echo yes || { echo no; exit 1; }",
                        "give the vagrant user NOPASSWD sudo (the box build does)"),
                new GuestCheck("java 17+", "java -version 2>&1 | head -1", "install openjdk-17-jre-headless in the box"),
                new GuestCheck("panic device driver", "lsmod | grep -q '^pvpanic' && echo loaded"
                        + " || { echo 'pvpanic not loaded: the host sees a crash only when SSH is lost'; exit 2; }",
                        "load pvpanic-mmio/pvpanic-pci (modules-load.d in the box)"),
                new GuestCheck("reboot after panic", "p=$(cat /proc/sys/kernel/panic); echo \"kernel.panic=$p\";"
                        + " [ \"$p\" -ge 1 ] || exit 1",
                        "boot with panic=1 (the box's kernel command line) so a panicked guest reboots itself"),
                new GuestCheck("panic on the host's NMI", "n=$(cat /proc/sys/kernel/unknown_nmi_panic);"
                        + " echo \"kernel.unknown_nmi_panic=$n\"; [ \"$n\" = 1 ] || exit 1",
                        "a box from today's scripts/build-standin-box.sh (its sysctl.d sets kernel.unknown_nmi_panic=1):"
                        + " without it the NMI the lab sends a hung guest is ignored, and the hang leaves no dump"),
                new GuestCheck("dump directory", "test -d " + DUMP_DIR + " && echo " + DUMP_DIR
                        + " || { echo missing; exit 1; }", "sudo mkdir -p " + DUMP_DIR),
                new GuestCheck("manifest in the guest", manifestScript(StandInManifest.IN_GUEST),
                        "a box from today's scripts/build-standin-box.sh (vagrant box add --force --name " + BOX
                        + " FILE), and the machine destroyed and brought up again on it"));
    }

    /**
     * Prints the manifest's header on one line as {@link StandInManifest#summary} does (so the guest's line and
     * the cache's compare by eye); exit 2, a warning, when the box has none: the lab works, but what the guest
     * runs is not on record.
     */
    static String manifestScript(String file) {
        return "[ -r '" + file + "' ] || { echo \"no " + file + ": the box was built before boxes recorded what"
                + " they are made of\"; exit 2; }; awk 'NF && !/^#/ && !/^package / { printf \"%s%s\", s, $0;"
                + " s = \", \" } END { print \"\" }' '" + file + "'";
    }
}
