package dev.xidlab.cli;

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
     * @param unavailableExit the exit code when it cannot: a matrix treats that as a usage error (nothing ran),
     *                        a single command as an environment error
     * @throws CliException (usage) for an unknown name; ({@code unavailableExit}) with the lab's reason
     */
    static Lab openAvailable(String name, int unavailableExit) {
        Lab lab = MatrixCommand.usage(() -> Labs.open(name));
        try {
            lab.checkAvailable();
            return lab;
        } catch (LabUnavailableException e) {
            lab.close();
            throw new CliException(unavailableExit, "--lab " + name + ": " + e.getMessage());
        }
    }
}
