package dev.xidlab.cli;

import dev.xidlab.device.ModelOptions;
import dev.xidlab.lab.Lab;
import dev.xidlab.lab.LabUnavailableException;
import dev.xidlab.lab.Labs;

/** The lab a command's {@code --lab} names, opened and checked before anything runs on it. */
final class LabChoice {

    private LabChoice() {
    }

    /**
     * Opens the named lab and checks it can run here.
     *
     * @param standIn whether the VM lab may use its stand-in guest
     *
     * @param unavailableExit the exit code when it cannot: a matrix treats that as a usage error (nothing ran),
     *                        a single command as an environment error
     * @throws CliException (usage) for an unknown name; ({@code unavailableExit}) with the lab's reason
     */
    static Lab openAvailable(String name, StandInOption standIn, int unavailableExit) {
        return openAvailable(name, standIn, ModelOptions.DEFAULTS, unavailableExit);
    }

    /** The same, with the kernel model's options when the lab is the model. */
    static Lab openAvailable(String name, StandInOption standIn, ModelOptions options, int unavailableExit) {
        return openAvailable(name, standIn, options, java.util.Optional.empty(), false, unavailableExit);
    }

    /** The same, for a plan's site: the VM lab's guest sized by it and its build checked against it. */
    static Lab openAvailable(String name, StandInOption standIn, ModelOptions options,
                             java.util.Optional<dev.xidlab.site.Environment> site, boolean allowBuildMismatch,
                             int unavailableExit) {
        Lab lab = MatrixCommand.usage(() -> Labs.open(name, standIn.allowStandIn, options, site,
                allowBuildMismatch));
        try {
            lab.checkAvailable();
            return lab;
        } catch (LabUnavailableException e) {
            lab.close();
            throw new CliException(unavailableExit, "--lab " + name + ": " + e.getMessage());
        }
    }
}
