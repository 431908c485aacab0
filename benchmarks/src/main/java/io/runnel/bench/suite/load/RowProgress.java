package io.runnel.bench.suite.load;

/**
 * Where a load loop reports how many rows it has done so far. Called by the loop's thread, every
 * batch or so (not per row); implementations must be cheap and thread-safe for one writer.
 */
@FunctionalInterface
public interface RowProgress {
    RowProgress NONE = rows -> {};

    /** {@code rowsSoFar} rows of the current run are done. */
    void rowsDone(long rowsSoFar);
}
