package dev.xidlab.cli;

import picocli.CommandLine.Command;

/** {@code xidlab stress}: stress and memory-pressure loads on a lab. */
@Command(name = "stress", mixinStandardHelpOptions = true,
        description = "Stress and memory-pressure loads on a lab. (Not yet available in this build.)",
        footer = ExitCode.FOOTER)
public final class StressCommand implements java.util.concurrent.Callable<Integer> {

    @Override
    public Integer call() {
        throw new CliException(ExitCode.ENVIRONMENT, "'xidlab stress' is not yet available in this build");
    }
}
