package dev.xidlab.command;

import dev.xidlab.device.ModelOptions;
import dev.xidlab.lab.Lab;
import dev.xidlab.lab.LabUnavailableException;

/**
 * Opens the lab a command's {@code --lab} names: in the guest only the labs that run there ({@link GuestLabs}), in
 * the user's CLI every lab, the VM lab too.
 */
@FunctionalInterface
public interface LabOpener {

    /**
     * @param allowStandIn whether the VM lab may use its stand-in guest
     * @throws IllegalArgumentException for an unknown name or a bad XIDLAB_* setting (a usage error)
     */
    Lab open(String name, boolean allowStandIn, ModelOptions options);

    /**
     * Opens the named lab and checks it can run here.
     *
     * @throws CommandError (usage) for an unknown name; (environment, under every command alike) with the lab's
     *                      reason when it cannot run here
     */
    default Lab openAvailable(String name, StandInOption standIn, ModelOptions options) {
        return checkAvailable(name, CommandError.usage(() -> open(name, standIn.allowStandIn, options)));
    }

    /** {@code lab} when it can run here; else closed, and the command ends with its reason. */
    static Lab checkAvailable(String name, Lab lab) {
        try {
            lab.checkAvailable();
            return lab;
        } catch (LabUnavailableException e) {
            lab.close();
            throw CommandError.end("--lab " + name + ": ", e);
        }
    }
}
