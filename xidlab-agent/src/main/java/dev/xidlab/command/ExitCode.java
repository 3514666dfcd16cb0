package dev.xidlab.command;

/** The exit codes of every xidlab command (documented in docs/commands.md and in every --help footer). */
public final class ExitCode {

    /** Done; a matrix confirmed the fix. */
    public static final int OK = 0;
    /** The thing checked failed: the fix is not confirmed, the matrix is inconclusive, a check found a problem. */
    public static final int CHECK_FAILED = 1;
    /** Usage or input error: a bad option, plan file or input file. Nothing was run or changed. */
    public static final int USAGE = 2;
    /** Environment error: no device, lab, tool or library where one is needed. */
    public static final int ENVIRONMENT = 3;
    /** A bug in xidlab itself. */
    public static final int INTERNAL = 4;

    public static final String FOOTER = "%nExit codes: 0 ok, 1 check failed / fix not confirmed, 2 usage or input error,"
            + " 3 environment error (no device, lab or tool), 4 internal error.";

    private ExitCode() {
    }
}
