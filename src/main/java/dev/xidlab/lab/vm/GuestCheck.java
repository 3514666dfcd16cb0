package dev.xidlab.lab.vm;

/**
 * One thing a guest must have for the lab to work, checked by a script run in the guest: it prints one line and
 * exits {@code passExit} (normally 0) when the guest has it, 2 when it works but worse (a warning), anything else
 * when it does not (the lab cannot work).
 */
public record GuestCheck(String name, String script, String fix, int passExit) {

    public static final int PASS = 0;
    public static final int WARN = 2;

    public GuestCheck(String name, String script, String fix) {
        this(name, script, fix, PASS);
    }
}
