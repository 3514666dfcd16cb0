package dev.xidlab.lab.vm;

import java.util.Optional;

/**
 * One thing a guest must have for the lab to work, checked by a script run in the guest: it prints one line and
 * exits {@code passExit} (normally 0) when the guest has it, 2 when it works but worse (a warning), anything else
 * when it does not (the lab cannot work). A check with a {@link Reading} prints figures instead, and the host
 * judges them: arithmetic the host can test, where the guest's PowerShell cannot run.
 */
public record GuestCheck(String name, String script, String fix, int passExit, Optional<Reading> reading) {

    public static final int PASS = 0;
    public static final int WARN = 2;

    public GuestCheck(String name, String script, String fix) {
        this(name, script, fix, PASS);
    }

    public GuestCheck(String name, String script, String fix, int passExit) {
        this(name, script, fix, passExit, Optional.empty());
    }

    public GuestCheck(String name, String script, String fix, Reading reading) {
        this(name, script, fix, PASS, Optional.of(reading));
    }

    /** Reads what the script printed. */
    public interface Reading {
        Judged read(String stdout);
    }

    /** Whether the guest has it, and the line that says why. */
    public record Judged(boolean ok, String detail) {
    }
}
