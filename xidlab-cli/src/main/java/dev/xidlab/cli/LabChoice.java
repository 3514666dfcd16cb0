package dev.xidlab.cli;

import dev.xidlab.command.CommandError;
import dev.xidlab.command.LabOpener;
import dev.xidlab.command.StandInOption;
import dev.xidlab.device.ModelOptions;
import dev.xidlab.lab.Lab;

/** The lab a command's {@code --lab} names, opened and checked before anything runs on it. */
final class LabChoice {

    private LabChoice() {
    }

    /**
     * Opens the named lab and checks it can run here.
     *
     * @param standIn whether the VM lab may use its stand-in guest
     * @throws CommandError (usage) for an unknown name; (environment, under every command alike) with the lab's
     *                      reason when it cannot run here
     */
    static Lab openAvailable(String name, StandInOption standIn) {
        return openAvailable(name, standIn, ModelOptions.DEFAULTS);
    }

    /** The same, with the kernel model's options when the lab is the model. */
    static Lab openAvailable(String name, StandInOption standIn, ModelOptions options) {
        return openAvailable(name, standIn, options, java.util.Optional.empty(), false);
    }

    /** The same, for a plan's site: the VM lab's guest sized by it and its build checked against it. */
    static Lab openAvailable(String name, StandInOption standIn, ModelOptions options,
                             java.util.Optional<dev.xidlab.site.Environment> site, boolean allowBuildMismatch) {
        return LabOpener.checkAvailable(name, CommandError.usage(() -> Labs.open(name, standIn.allowStandIn,
                options, site, allowBuildMismatch)));
    }
}
