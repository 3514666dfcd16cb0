package dev.xidlab.lab.vm;

import dev.xidlab.lab.ForeignDriver;
import dev.xidlab.lab.LabException;
import dev.xidlab.lab.SitePackage;
import dev.xidlab.lab.runner.CommandResult;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The user's driver packages and a site's filter packages in the guest (issue 24): uploaded into the guest's
 * package directory, installed and loaded the way the guest's {@link GuestOs} says, swapped between configurations
 * (the one before uninstalled, xidfilter unloaded), and a configuration's probe run after a load.
 */
record GuestPackages(GuestOs guest, GuestSession session, SiteCheck siteCheck, LabTrace trace) {

    private static final Duration QUICK = Duration.ofMinutes(2);
    /** pnputil and a driver's own DefaultInstall take longer than a query. */
    private static final Duration INSTALL = Duration.ofMinutes(5);
    private static final Duration PROBE = Duration.ofMinutes(10);

    /**
     * The user's package uploaded, installed and loaded ({@link GuestOs#installPackageScript}) in place of xidfilter
     * and of the package before it, which is uninstalled first; nothing is done when it is in place and loaded.
     */
    void use(Optional<ForeignDriver> driver, Runnable uploadAgent) {
        if (driver.equals(session.installedPackage) && (driver.isEmpty() || session.packageLoaded)) {
            return;
        }
        uploadAgent.run();
        if (session.installedPackage.isPresent() && !session.installedPackage.equals(driver)) {
            ForeignDriver before = session.installedPackage.get();
            trace.step("uninstalling " + before.module() + " (" + before.given() + ")");
            session.execOrFail("uninstalling " + before.module(), guest.uninstallPackageScript(before), INSTALL);
            session.installedPackage = Optional.empty();
            session.packageLoaded = false;
        }
        if (driver.isEmpty()) {
            return;
        }
        ForeignDriver d = driver.get();
        trace.step("installing and loading " + d.module() + " (" + d.given() + ")");
        upload(d.path(), d.module());
        // The install unloads xidfilter: deployDriver loads it again for the next xidfilter configuration.
        session.driverLoaded = false;
        session.execOrFail("installing and loading " + d.module() + " from " + d.given(), guest.installPackageScript(d),
                INSTALL);
        session.installedPackage = driver;
        session.packageLoaded = true;
    }

    /** Each site filter's package uploaded, installed and loaded, then the site's filters compared again. */
    void installSite(List<SitePackage> packages, Runnable uploadAgent) {
        if (packages.isEmpty()) {
            return;
        }
        uploadAgent.run();
        for (SitePackage p : packages) {
            String script = guest.installSitePackageScript(p).orElseThrow(() -> new LabException("the " + guest.name()
                    + " guest cannot run a site's filter binaries (" + p.module() + ")"));
            trace.step("installing the site's filter " + p.module() + " (" + p.given() + ")");
            upload(p.path(), p.module());
            session.execOrFail("installing the site's filter " + p.module(), script, INSTALL);
        }
        siteCheck.check(session, session.exec(guest.identityScript(), QUICK));
    }

    /** The probe's exit code; a probe that does not end within its bound is a failed one (exit -1). */
    int probe(String command) {
        trace.step("probe: " + command);
        CommandResult r = session.exec(guest.probeScript(command), PROBE);
        trace.step("probe exit " + r.exitCode() + (r.timedOut() ? " (timed out)" : ""));
        return r.timedOut() ? -1 : r.exitCode();
    }

    /** A package's files into its directory in the guest (made first), as the guest's disk holds them. */
    private void upload(java.nio.file.Path source, String module) {
        session.execOrFail("making " + guest.packageDir(module), guest.makeDirectoryScript(guest.packageDir(module)),
                QUICK);
        new GuestFiles(guest).ensure(session.shell(), guest.packageUploads(source, module));
    }
}
