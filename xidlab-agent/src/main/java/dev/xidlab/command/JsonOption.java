package dev.xidlab.command;

import picocli.CommandLine.Option;

/**
 * {@code --json}, declared once for every command that prints text otherwise (a table and a matrix's summary are text
 * too, so one help line is true of all); {@link JsonOutput} renders it.
 */
public final class JsonOption {

    @Option(names = "--json", description = "Print JSON for machines instead of text.")
    public boolean on;
}
