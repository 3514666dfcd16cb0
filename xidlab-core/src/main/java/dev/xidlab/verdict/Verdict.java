package dev.xidlab.verdict;

/**
 * What the numbers say. A baseline reproduces or not; a fix is confirmed, not confirmed (it failed), blind (it
 * stopped the crash by not seeing the I/O), or unproven.
 */
public enum Verdict {
    REPRODUCED, NOT_REPRODUCED, CONFIRMED, NOT_CONFIRMED, BLIND, INCONCLUSIVE;

    public String label() {
        return name().replace('_', ' ');
    }
}
