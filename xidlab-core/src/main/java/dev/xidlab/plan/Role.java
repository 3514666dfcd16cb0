package dev.xidlab.plan;

/**
 * What a configuration is in a plan: the field configuration that must crash, a fix that must not, or the positive
 * control (xidfilter in lookup mode on the baseline's load), which proves the lab and load can show the crash at all
 * when the baseline is a driver xidlab does not know.
 */
public enum Role {
    BASELINE, FIX, CONTROL;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
