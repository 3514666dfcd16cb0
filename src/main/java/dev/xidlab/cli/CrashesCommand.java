package dev.xidlab.cli;

import picocli.CommandLine.Command;

/** {@code xidlab crashes}: read crash dumps and event logs, attribute each crash. */
@Command(name = "crashes", mixinStandardHelpOptions = true,
        description = "Read crash dumps and event logs, attribute each crash. (Not yet available in this build.)",
        footer = ExitCode.FOOTER)
public final class CrashesCommand implements java.util.concurrent.Callable<Integer> {

    @Override
    public Integer call() {
        throw new CliException(ExitCode.ENVIRONMENT, "'xidlab crashes' is not yet available in this build");
    }
}
