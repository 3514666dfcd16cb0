package dev.xidlab.command;

import picocli.CommandLine.Option;

/** {@code --allow-stand-in}: the VM lab's stand-in guest is refused unless a command says it is meant. */
public final class StandInOption {

    @Option(names = "--allow-stand-in",
            description = "Let --lab vagrant run on the stand-in guest box (Linux kernel + kernel model; it proves the"
                    + " lab's host side, not a driver). Every report then says so.")
    public boolean allowStandIn;
}
