package dev.xidlab.lab;

import dev.xidlab.device.Device;
import dev.xidlab.load.StressProfile;
import java.nio.file.Path;

/**
 * A machine the matrix runs on: the kernel model in-process (the default) or a Windows VM. One run is
 * boot, deploy the driver, configure it through its {@link Device}, stress, collect the outcome.
 */
public interface Lab extends AutoCloseable {

    /** "sim", "vagrant". */
    String name();

    /**
     * What every report of a run on this lab must say about it (a stand-in guest is not a Windows kernel); empty
     * for a lab that needs no such words.
     */
    default java.util.Optional<String> notice() {
        return java.util.Optional.empty();
    }

    /**
     * What the last run did that the outcome does not say and a user should see in the load's report (a Windows
     * load: every memory-pressure cycle's status and its effect on the paged pool); empty when there is nothing.
     */
    default java.util.Map<String, Object> lastRunDetails() {
        return java.util.Map.of();
    }

    /**
     * Files the machine's kernel images (the kernel, the HAL, the filter manager, the driver) into a symbol store
     * in the symbol server's layout, so its dumps unwind offline with the modules' own unwind data; returns what
     * was filed. A lab whose machine has no such images (the kernel model) files nothing.
     */
    default java.util.List<Path> fileKernelImages(Path symbolStore) {
        return java.util.List.of();
    }

    /** Fails with {@link LabUnavailableException} and a one-line reason when the lab cannot run here. */
    void checkAvailable();

    /** Boots a clean machine, or brings the running one back to a clean state (a crashed one is rebooted). */
    void boot();

    /** Installs and loads the driver on the booted machine and opens its controller. */
    Device deployDriver();

    /**
     * Inside a guest, for a load of the user's own driver that the host installed: makes sure it is loaded, without
     * xidfilter's controller. A Windows machine has nothing to do (the host loaded it with fltmc); the stand-in's
     * model loads its build of it.
     */
    default void loadInstalledDriver() {
    }

    /**
     * Why this lab cannot install the user's driver packages and the site's filter packages a plan brings (each
     * said in {@code what}), or empty when it can: asked before anything runs.
     */
    default java.util.Optional<String> cannotInstall(java.util.List<SitePackage> sitePackages, String what) {
        return java.util.Optional.of("--lab " + name() + " does not install driver packages: " + what);
    }

    /**
     * The driver the next runs load: the user's package installed and loaded in place of xidfilter (and of the
     * package before it, which is unloaded and uninstalled), or, when empty, xidfilter again ({@link #deployDriver}
     * then loads it). Called on a booted machine before every run; a package already in place is not installed
     * again. A package that does not install or load fails with a {@link LabException} that says why.
     */
    default void useDriver(java.util.Optional<ForeignDriver> driver) {
        if (driver.isPresent()) {
            throw new LabException("--lab " + name() + " does not install driver packages");
        }
    }

    /**
     * Installs the site's own co-resident filters once on the booted machine, before the first run: they stay
     * beside the driver under test for the whole matrix.
     */
    default void installSitePackages(java.util.List<SitePackage> packages) {
        if (!packages.isEmpty()) {
            throw new LabException("--lab " + name() + " does not install a site's filter packages");
        }
    }

    /**
     * Runs a configuration's probe on the machine after a run's load and gives its exit code (0: the filter still
     * does its job); fails with a {@link LabException} when the probe cannot be run at all.
     */
    default int probe(String command) {
        throw new LabException("--lab " + name() + " cannot run a probe");
    }

    /**
     * Runs the profile's load and memory pressure until its budget is spent or the machine bugchecks. Evidence
     * of a crash (dumps, event-log exports) is copied to {@code evidenceDir}.
     */
    RunOutcome stress(StressProfile profile, long seed, Path evidenceDir);

    /**
     * Keeps what the lab saw around a run that ended in a lab error (its step trace, the guest's own logs, the
     * console) in the run's evidence directory, so the failure can be diagnosed from the files alone. Best effort:
     * what cannot be fetched is said in the directory, and the run's outcome never changes. A lab whose runs need
     * nothing beyond the outcome's reason (the kernel model in-process) keeps nothing.
     */
    default void keepEvidence(Path evidenceDir, String failure) {
    }

    @Override
    void close();
}
