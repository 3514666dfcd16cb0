package dev.xidlab.run;

/** Hears about a matrix as it runs. */
public interface Progress extends AutoCloseable {

    void started(int pending, int alreadyDone);

    /** An adaptive matrix starts: it runs at most {@code budgetLeft} runs, fewer when verdicts settle early. */
    default void startedAdaptive(int budgetLeft, int alreadyDone) {
        started(budgetLeft, alreadyDone);
    }

    void finished(RunRecord record, int crashesSoFar);

    /** An adaptive matrix settled every verdict and did not need {@code saved} runs of its budget. */
    default void settled(int saved) {
    }

    @Override
    void close();
}
