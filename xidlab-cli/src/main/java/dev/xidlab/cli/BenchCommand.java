package dev.xidlab.cli;

import dev.xidlab.command.CommandGroup;
import dev.xidlab.command.ExitCode;
import picocli.CommandLine.Command;

/** {@code xidlab bench}: the benchmarks whose figures docs/benchmarks.md reports. */
@Command(name = "bench", mixinStandardHelpOptions = true,
        description = "Benchmarks: measure here the figures docs/benchmarks.md reports.",
        subcommands = {BenchCrashesCommand.class, BenchModelCommand.class, BenchMatrixCommand.class,
                BenchLabCommand.class, BenchLintCommand.class},
        footer = ExitCode.FOOTER)
public final class BenchCommand extends CommandGroup {

    public BenchCommand() {
        super("a benchmark");
    }
}
