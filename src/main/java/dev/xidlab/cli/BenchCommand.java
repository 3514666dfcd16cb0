package dev.xidlab.cli;

import dev.xidlab.command.CommandGroup;
import dev.xidlab.command.ExitCode;
import picocli.CommandLine.Command;

/** {@code xidlab bench}: the benchmarks whose figures the README reports. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: measure on this machine the figures the README reports.",
        subcommands = {BenchCrashesCommand.class, BenchModelCommand.class, BenchMatrixCommand.class,
                BenchLabCommand.class, BenchLintCommand.class},
        footer = ExitCode.FOOTER)
public final class BenchCommand extends CommandGroup {

    public BenchCommand() {
        super("a benchmark");
    }
}
