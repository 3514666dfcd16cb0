package dev.xidlab.lab;

/**
 * The names a user gives {@code --lab} and a plan's {@code lab:}: the kernel model, a Windows VM driven from this
 * host, this Windows machine, and what the VM lab's stand-in guest runs. Values only: opening one is the CLI's.
 */
public final class LabName {

    public static final String SIM = "sim";
    public static final String VAGRANT = "vagrant";
    public static final String LOCAL = "local";
    public static final String STANDIN = "standin";
    public static final String EXPECTED = "(expected sim, vagrant, local or standin)";

    private LabName() {
    }
}
