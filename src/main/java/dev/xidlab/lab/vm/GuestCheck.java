package dev.xidlab.lab.vm;

/**
 * One thing a guest must have for the lab to work, checked by a script run in the guest: it prints one line and
 * exits 0 when the guest has it, 1 when it does not (the lab cannot work), 2 when it works but worse (a warning).
 */
public record GuestCheck(String name, String script, String fix) {

    public static final int PASS = 0;
    public static final int FAIL = 1;
    public static final int WARN = 2;
}
