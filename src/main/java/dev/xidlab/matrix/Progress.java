package dev.xidlab.matrix;

/** Hears about a matrix as it runs. */
public interface Progress extends AutoCloseable {

    void started(int pending, int alreadyDone);

    void finished(RunRecord record, int crashesSoFar);

    @Override
    void close();
}
