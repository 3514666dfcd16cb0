package dev.xidlab.cli;

import picocli.CommandLine.Command;

/** {@code xidlab matrix}: regression run: configs x runs on a lab, verdict with confidence bounds. */
@Command(name = "matrix", mixinStandardHelpOptions = true,
        description = "Regression run: configs x runs on a lab, verdict with confidence bounds. (Not yet available in this build.)",
        footer = ExitCode.FOOTER)
public final class MatrixCommand implements java.util.concurrent.Callable<Integer> {

    @Override
    public Integer call() {
        throw new CliException(ExitCode.ENVIRONMENT, "'xidlab matrix' is not yet available in this build");
    }
}
