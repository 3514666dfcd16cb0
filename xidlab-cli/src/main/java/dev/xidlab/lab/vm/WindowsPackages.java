package dev.xidlab.lab.vm;

import dev.xidlab.lab.ForeignDriver;
import dev.xidlab.lab.LabException;
import dev.xidlab.lab.SitePackage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A Windows guest's driver packages (issue 24): what the host reads of a package decides how it installs, and
 * vagrant/provision/driver-package.ps1 (uploaded with the driver, {@link #SCRIPT}) does it in the guest. The command
 * line stays short because the SSH server's cmd.exe takes at most 8191 characters, which an encoded script of this
 * size would pass.
 */
final class WindowsPackages {

    static final String SCRIPT = "driver-package.ps1";
    static final String GUEST_SCRIPT = WindowsGuest.HOME + "/" + SCRIPT;
    /** Every script this sends starts so (as the provision scripts do): an unset variable or a failed cmdlet stops it. */
    static final String STRICT = "Set-StrictMode -Version Latest\n$ErrorActionPreference = 'Stop'\n";

    /** How driver-package.ps1 installs a package: the INF's [DefaultInstall], pnputil, or a service of a bare .sys. */
    enum Method {
        DEFAULT_INSTALL("DefaultInstall"), PNP("PnP"), SERVICE("Service");

        final String parameter;

        Method(String parameter) {
            this.parameter = parameter;
        }
    }

    /** What the host read: the method, the filter's service, and the INF's sections or the plan's altitude. */
    record Install(Method method, String service, Optional<InfFile> inf, Optional<String> altitude) {
    }

    private final UnaryOperator<String> packageDir;

    WindowsPackages(UnaryOperator<String> packageDir) {
        this.packageDir = packageDir;
    }

    String install(ForeignDriver driver) {
        return command("Install", driver.module(), of(driver), false);
    }

    String uninstall(ForeignDriver driver) {
        return command("Uninstall", driver.module(), of(driver), false);
    }

    /** A site's filter stays beside whichever driver is under test: xidfilter is not unloaded for it. */
    String installSite(SitePackage site) {
        return command("Install", site.module(), of(site), true);
    }

    /**
     * The probe is a cmd.exe command line, as a user types it: cmd /s takes what is between the first and the last
     * quote as it is, and PowerShell passes a --% line as written but for %variables%, so the command travels in one
     * and no quoting of it has to survive PowerShell's native-argument rules. cmd's 9009 is a command it could not
     * find: a probe that did not start, exit 1 as any that cannot.
     */
    static String probe(String command) {
        return STRICT
                + "$env:XIDLAB_PROBE = " + WindowsGuest.quote(command) + "\n"
                + "try {\n"
                + "  $ErrorActionPreference = 'Continue'\n"
                + "  & \"$env:SystemRoot\\System32\\cmd.exe\" /d /s /c --% \"%XIDLAB_PROBE%\"\n"
                + "  $code = $LASTEXITCODE\n"
                + "} catch {\n"
                + "  [Console]::Error.WriteLine('the probe did not start: ' + $_.Exception.Message); exit 1\n"
                + "}\n"
                + "if ($code -eq 9009) { [Console]::Error.WriteLine('the probe did not start: cmd.exe found no such"
                + " command (9009): ' + $env:XIDLAB_PROBE); exit 1 }\n"
                + "exit $code";
    }

    /** The user's package: its INF's way, or a bare .sys as a minifilter service with the plan's name and altitude. */
    static Install of(ForeignDriver driver) {
        String stem = ForeignDriver.stem(driver.module());
        if (driver.inf().isEmpty()) {
            return new Install(Method.SERVICE, driver.service().orElseThrow(), Optional.empty(),
                    Optional.of(driver.altitude().orElseThrow().toPlainString()));
        }
        InfFile inf = InfFile.read(driver.inf().get());
        return fromInf(inf, driver.service().orElseGet(() -> inf.service(driver.module()).orElse(stem)));
    }

    /** A site's package: its one INF (or the one naming its module), else its bare .sys at the site's altitude. */
    static Install of(SitePackage site) {
        Optional<Path> infPath = siteInf(site);
        if (infPath.isPresent()) {
            InfFile inf = InfFile.read(infPath.get());
            return fromInf(inf, inf.service(site.module()).orElse(ForeignDriver.stem(site.module())));
        }
        return new Install(Method.SERVICE, ForeignDriver.stem(site.module()), Optional.empty(), Optional.of(site.altitude()
                .orElseThrow(() -> new LabException("the site's filter " + site.module() + " (" + site.given() + ") has"
                        + " no INF: give its altitude, or it cannot be installed as a minifilter service"))
                .toPlainString()));
    }

    /**
     * [DefaultInstall] is what a file-system filter's INF has (Microsoft: "Using an INF file to install a file system
     * filter driver"), run by InstallHinfSection; since Windows 10 1903 InstallHinfSection hands a primitive
     * driver's package to DiInstallDriver itself, so one way serves both. pnputil /add-driver /install installs on
     * the devices an INF's [Manufacturer] models match, so it is the way of a PnP driver's INF only.
     */
    private static Install fromInf(InfFile inf, String service) {
        if (inf.defaultInstall().isPresent()) {
            return new Install(Method.DEFAULT_INSTALL, service, Optional.of(inf), Optional.empty());
        }
        if (inf.hasManufacturer()) {
            return new Install(Method.PNP, service, Optional.of(inf), Optional.empty());
        }
        throw new LabException(inf.fileName() + " has neither a [DefaultInstall] nor a [Manufacturer] section:"
                + " nothing in it says how Windows installs it");
    }

    private String command(String action, String module, Install install, boolean keepXidfilter) {
        List<String> parameters = new ArrayList<>(List.of("-Action", action,
                "-Dir", WindowsGuest.quote(packageDir.apply(module).replace('/', '\\')),
                "-Module", WindowsGuest.quote(module), "-Service", WindowsGuest.quote(install.service()),
                "-Method", install.method().parameter));
        install.inf().ifPresent(inf -> {
            parameters.addAll(List.of("-Inf", WindowsGuest.quote(inf.fileName())));
            inf.defaultInstall().ifPresent(s -> parameters.addAll(List.of("-Section", WindowsGuest.quote(s))));
            inf.defaultUninstall().ifPresent(s -> parameters.addAll(List.of("-UninstallSection",
                    WindowsGuest.quote(s))));
        });
        install.altitude().ifPresent(a -> parameters.addAll(List.of("-Altitude", WindowsGuest.quote(a))));
        if (keepXidfilter) {
            parameters.add("-KeepXidfilter");
        }
        String script = GUEST_SCRIPT.replace('/', '\\');
        return STRICT
                + "if (-not (Test-Path -LiteralPath '" + script + "')) { [Console]::Error.WriteLine('" + script
                + " is not in the guest: the lab uploads it with the driver'); exit 1 }\n"
                + "& '" + script + "' " + String.join(" ", parameters) + "\n"
                + "exit $LASTEXITCODE";
    }

    private static Optional<Path> siteInf(SitePackage site) {
        List<Path> infs;
        try (Stream<Path> files = Files.list(site.path())) {
            infs = files.filter(f -> f.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".inf"))
                    .filter(Files::isRegularFile).sorted().toList();
        } catch (IOException e) {
            throw new LabException("the site's package " + site.given() + " cannot be read: " + e.getMessage(), e);
        }
        if (infs.size() <= 1) {
            return infs.stream().findFirst();
        }
        List<Path> naming = infs.stream().filter(inf -> InfFile.read(inf).names(site.module())).toList();
        if (naming.size() != 1) {
            throw new LabException("the site's package " + site.given() + " holds " + infs.size() + " INFs and "
                    + naming.size() + " of them name " + site.module() + ": leave the one that installs it");
        }
        return Optional.of(naming.get(0));
    }
}
