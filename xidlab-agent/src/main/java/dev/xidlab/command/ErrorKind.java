package dev.xidlab.command;

import dev.xidlab.device.DeviceException;
import dev.xidlab.dump.DumpFormatException;
import dev.xidlab.lab.LabException;
import dev.xidlab.plan.PlanException;
import dev.xidlab.protocol.WireFormatException;
import picocli.CommandLine;

/**
 * The kind of error a command ends with, and its exit code: one mapping for every command, so the same failure
 * (a lab that is not available, a bad plan) exits the same under {@code matrix}, {@code stress} and the rest.
 */
public enum ErrorKind {

    /** The user's input: an option, a plan, a report directory, an input file. Nothing was run or changed. */
    USAGE(ExitCode.USAGE),
    /** This machine: no device, lab, tool or library where one is needed, or a lab step that failed. */
    ENVIRONMENT(ExitCode.ENVIRONMENT),
    /** A bug in xidlab. */
    INTERNAL(ExitCode.INTERNAL);

    private final int exitCode;

    ErrorKind(int exitCode) {
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }

    /** The kind of the failures the agent and the CLI share; the CLI adds its own ({@code UserErrors}). */
    public static ErrorKind of(Throwable e) {
        if (e instanceof CommandLine.ParameterException || e instanceof IllegalArgumentException
                || e instanceof PlanException
                || e instanceof DumpFormatException) {
            return USAGE;
        }
        // A LabUnavailableException is a LabException: the lab cannot run here, which is this machine's state.
        if (e instanceof LabException || e instanceof DeviceException || e instanceof WireFormatException) {
            return ENVIRONMENT;
        }
        return INTERNAL;
    }
}
