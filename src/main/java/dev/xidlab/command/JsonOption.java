package dev.xidlab.command;

import picocli.CommandLine.Option;

/** {@code --json}, declared once for the commands that print text otherwise; {@link JsonOutput} renders it. */
public final class JsonOption {

    @Option(names = "--json", description = "Print JSON for machines instead of text.")
    public boolean on;
}
