package dev.xidlab.cli;

import picocli.CommandLine.Command;

/** {@code xidlab lab}: bring a lab up and down (kernel model, Vagrant VM). */
@Command(name = "lab", mixinStandardHelpOptions = true,
        description = "Bring a lab up and down (kernel model, Vagrant VM). (Not yet available in this build.)",
        footer = ExitCode.FOOTER)
public final class LabCommand implements java.util.concurrent.Callable<Integer> {

    @Override
    public Integer call() {
        throw new CliException(ExitCode.ENVIRONMENT, "'xidlab lab' is not yet available in this build");
    }
}
