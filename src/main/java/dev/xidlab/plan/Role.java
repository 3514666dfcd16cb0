package dev.xidlab.plan;

/** What a configuration is in a plan: the field configuration that must crash, or a fix that must not. */
public enum Role {
    BASELINE, FIX;

    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
