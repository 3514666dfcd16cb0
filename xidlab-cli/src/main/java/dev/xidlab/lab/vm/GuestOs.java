package dev.xidlab.lab.vm;

import dev.xidlab.lab.runner.CommandResult;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Everything the VM lab says to its guest that depends on the guest's OS, and nothing else: the lab's flow (boot,
 * deploy, configure, load, crash, evidence) is the same for every guest. {@link WindowsGuest} is the product;
 * {@link StandInGuest} is a Linux guest that runs the kernel model and panics its real kernel, so the host side is
 * proven against a real hypervisor where no Windows box exists.
 *
 * <p>Paths in the guest are written with forward slashes (both Windows' SFTP server and its PowerShell take them).
 * Scripts are the OS's own language; {@link #commandLine} turns one into what the SSH server runs.
 */
public interface GuestOs {

    /** "Windows", "stand-in Linux". */
    String name();

    /** A stand-in is never a Windows kernel: refused unless asked for, and named in every report. */
    boolean standIn();

    /** The panic device this guest can notify, given how its CPU runs; empty when it has none. */
    Optional<Libvirt.PanicModel> panicModel(Acceleration acceleration);

    /** The command line the guest's SSH server is given for a script. */
    String commandLine(String script);

    /** A script that prints the OS's name; {@link #isThisOs} reads its answer. */
    String identityScript();

    boolean isThisOs(CommandResult identity);

    /** The lab's directory in the guest. */
    String home();

    /** Exits 0 when the guest's one-time setup (provisioning) is complete. */
    String provisionedScript();

    /** Makes the lab's directories. */
    String prepareScript();

    /** Makes a directory and its parents (a package's directory before its files are uploaded). */
    String makeDirectoryScript(String guestPath);

    /** Prints a file's SHA-256 in hex (any case), or nothing when it does not exist. */
    String sha256Script(String guestPath);

    /**
     * Forces the files to the guest's disk before the script exits. An upload only reaches the guest's page cache;
     * the next crash run panics the guest within seconds, and a file not yet written back comes back truncated
     * (the stand-in's ext4 writes back after 30 s: the jar was found at 20 of its 33 MB after a panic).
     */
    String flushScript(List<String> guestPaths);

    /** Exits 0 when a JRE 17+ runs xidlab in the guest. */
    String javaScript();

    /** The host files the lab installs (the driver, the install script), by guest path; the jar is added by the lab. */
    List<Upload> driverUploads(Path driverDir, Path vagrantDir);

    /** Installs and loads the driver (or, on the stand-in, the model's driver) from what was uploaded. */
    String installDriverScript();

    /** Where a driver package's files go in the guest: one directory per driver module, named by its stem. */
    default String packageDir(String module) {
        return home() + "/drivers/" + dev.xidlab.lab.ForeignDriver.stem(module);
    }

    /**
     * The files of a package to upload into {@link #packageDir}: every file of its directory (the .inf, .sys, .cat,
     * .pdb, the user's test certificate .cer, anything the INF copies), or a bare .sys and the .pdb beside it.
     */
    default List<Upload> packageUploads(Path source, String module) {
        String dir = packageDir(module);
        try (java.util.stream.Stream<Path> files = java.nio.file.Files.isDirectory(source)
                ? java.nio.file.Files.list(source)
                : java.util.stream.Stream.of(source, source.resolveSibling(dev.xidlab.lab.ForeignDriver.stem(module)
                + ".pdb"))) {
            return files.filter(java.nio.file.Files::isRegularFile).sorted()
                    .map(f -> new Upload(f, dir + "/" + f.getFileName())).toList();
        } catch (java.io.IOException e) {
            throw new dev.xidlab.lab.LabException("driver package " + source + " cannot be read: " + e.getMessage());
        }
    }

    /**
     * Installs and loads the user's driver from its uploaded package, xidfilter unloaded first: the way its INF says
     * (or, a bare .sys, as a minifilter service with its Instances keys), its certificates where a test-signed
     * driver needs them. Idempotent (a reboot leaves it installed but maybe not loaded). Exits non-zero, its last
     * line of output saying why, when the package does not install or load.
     */
    String installPackageScript(dev.xidlab.lab.ForeignDriver driver);

    /** Unloads and uninstalls the user's driver, so the next configuration's is alone; one already gone is no error. */
    String uninstallPackageScript(dev.xidlab.lab.ForeignDriver driver);

    /**
     * Installs and loads a site's co-resident filter from its uploaded package, for the whole matrix; empty for a
     * guest that cannot run a site's binaries.
     */
    Optional<String> installSitePackageScript(dev.xidlab.lab.SitePackage site);

    /** Runs a configuration's probe command after a load; the script's exit code is the probe's. */
    String probeScript(String command);

    /**
     * The command line (not a script: its stdin and stdout must reach the JVM) of {@code xidlab driver serve} in the
     * guest: one process per run that answers the host's IOCTL requests, a line each.
     */
    String agentCommandLine(String jar);

    /** Sets the run's reboot marker and prints the event cursor (one line, maybe empty). */
    String markScript(String runId);

    /** Prints the marker's content, or nothing when a reboot destroyed it. */
    String readMarkScript();

    /** Prints one line per crash dump: name, size, stamp, separated by tabs. */
    String listDumpsScript();

    /** Parses {@link #listDumpsScript}'s output: one format for every guest, so one parser. */
    default List<GuestDump> parseDumps(String listing) {
        return GuestDump.parseListing(listing);
    }

    /**
     * What the guest's crash-dump setting asks a bugcheck to leave (Windows' CrashDumpEnabled), as
     * {@link #listDumpsScript} printed it; empty for a guest that does not say.
     */
    default java.util.OptionalInt crashDumpSetting(String listing) {
        return java.util.OptionalInt.empty();
    }

    /** Prints the guest's clock (UTC, ISO-8601), the clock its dumps' crash times are in; empty where not needed. */
    default Optional<String> clockScript() {
        return Optional.empty();
    }

    /** Starts the load detached from the SSH session (it must survive the session's end). */
    String startLoadScript(String jar, List<String> stressArguments, String runId);

    /**
     * Prints the load's state: {@code RESULT} and its JSON, {@code ENDED <exit code>} and its log's last lines,
     * or {@code RUNNING}.
     */
    String loadStatusScript(String runId);

    /** The files a load leaves beside its result (its output, a JVM's fatal-error report): fetched when it fails. */
    List<String> loadLogPaths(String runId);

    /**
     * Prints the System log's events after the cursor that say what a reboot was, as XML: the bugcheck's (1001,
     * Kernel-Power 41), WER's word that it kept no dump (1000, 1006) and a restart a process asked for (1074);
     * empty where there is no such log.
     */
    Optional<String> bugcheckEventsScript(String eventCursor);

    /**
     * Crashes the guest's kernel on purpose, for measuring the lab (empty where only the driver under test can:
     * Windows has no documented way that does not need another driver).
     */
    Optional<String> crashNowScript();

    /**
     * Prints the guest's own account of this boot and the one before it (a panic's reboot ends the one before): the
     * stand-in's journal, Windows' System log. Kept as a failed run's evidence.
     */
    String bootLogScript();

    /** The kernel images a symbol store needs to unwind this guest's dumps (empty for the stand-in). */
    List<String> kernelImages();

    /** What the guest must have, in the order a user would fix it. */
    List<GuestCheck> checks();

    /** The Windows build in the guest's answer to {@link #identityScript()}; empty for a guest that is no Windows. */
    default Optional<Integer> windowsBuild(CommandResult identity) {
        return Optional.empty();
    }

    /** Lists the guest's loaded file-system filters; empty for a guest that has none to list. */
    default Optional<String> filtersScript() {
        return Optional.empty();
    }

    /** The filters' names in the listing {@link #filtersScript()} printed. */
    default List<String> parseFilters(String listing) {
        return List.of();
    }

    /** A host file and where it goes in the guest. */
    record Upload(Path source, String guestPath) {
    }
}
