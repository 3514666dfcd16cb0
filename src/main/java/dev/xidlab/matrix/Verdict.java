package dev.xidlab.matrix;

/** What the numbers say. A baseline reproduces or not; a fix is confirmed, not confirmed, or unproven. */
public enum Verdict {
    REPRODUCED, NOT_REPRODUCED, CONFIRMED, NOT_CONFIRMED, INCONCLUSIVE;

    public String label() {
        return name().replace('_', ' ');
    }
}
