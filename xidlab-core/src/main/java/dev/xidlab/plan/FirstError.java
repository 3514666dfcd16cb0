package dev.xidlab.plan;

/**
 * Reads the parts of a plan each on its own, keeping the error on the earliest line (the first one read on a tie):
 * a wrong type in runs: on line 2 is what a user fixes first, not the configuration that happens to be checked
 * before it.
 */
final class FirstError {

    /** A part of the plan read; a PlanException is its error. */
    @FunctionalInterface
    interface Part<T> {
        T read() throws PlanException;
    }

    /** A check of the plan; a PlanException is its error. */
    @FunctionalInterface
    interface Check {
        void run() throws PlanException;
    }

    private PlanException first;

    <T> T value(Part<T> part, T fallback) {
        try {
            return part.read();
        } catch (PlanException e) {
            if (first == null || e.line() < first.line()) {
                first = e;
            }
            return fallback;
        }
    }

    void check(Check check) {
        value(() -> {
            check.run();
            return null;
        }, null);
    }

    void throwIfAny() throws PlanException {
        if (first != null) {
            throw first;
        }
    }
}
