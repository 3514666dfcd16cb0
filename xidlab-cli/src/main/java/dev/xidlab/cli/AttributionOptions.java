package dev.xidlab.cli;

import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * What a crash is attributed with, shared by {@code crashes show} and {@code crashes scan}: our minifilter's module
 * name and the symbol path, so one dump reads the same alone as in a scan.
 */
final class AttributionOptions {

    @Option(names = "--filter-module", paramLabel = "NAME", defaultValue = "xidfilter.sys",
            description = "The minifilter whose recursion makes the re-entry crash (default: ${DEFAULT-VALUE}).")
    String filterModule;

    @CommandLine.Mixin
    SymbolOptions symbols;
}
