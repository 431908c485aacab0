package io.runnel.sql.exec;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters of the SQL layer that the server exports at {@code /metrics}. Monotonic; thread-safe
 * (each is a {@link LongAdder}, written by request threads, read by the metrics endpoint).
 */
public final class SqlMetrics {
    /** Rows written by INSERT statements and batches, acknowledged by the engine. */
    public final LongAdder producedRows = new LongAdder();
    /** Bytes of the batches those rows were written in (compressed, as appended). */
    public final LongAdder producedBytes = new LongAdder();
    /** Rows of those that came over the driver's data path (built and compressed by the client). */
    public final LongAdder dataPathRows = new LongAdder();
    /** Produce requests of the data path, answered or failed. */
    public final LongAdder dataPathRequests = new LongAdder();
    /** Rows returned to clients by fetches and first frames. */
    public final LongAdder fetchedRows = new LongAdder();
    /** Rows fetched as stored batches through the data path (also counted in fetchedRows). */
    public final LongAdder dataPathFetchedRows = new LongAdder();
    /** Statements executed (each set of an executeBatch counts once). */
    public final LongAdder statements = new LongAdder();
    /** Statements that failed, by SQLSTATE class: syntax/access (42), data (22/23), other. */
    public final LongAdder syntaxErrors = new LongAdder();
    public final LongAdder dataErrors = new LongAdder();
    public final LongAdder otherErrors = new LongAdder();
    /** Connections opened since start. */
    public final LongAdder connectionsOpened = new LongAdder();
    /** Connections closed because they were idle too long. */
    public final LongAdder connectionsExpired = new LongAdder();
    /** Consumer-group members removed because their connection made no request within the group session timeout. */
    public final LongAdder groupSessionsExpired = new LongAdder();

    public void error(String sqlState) {
        if (sqlState.startsWith("42")) {
            syntaxErrors.increment();
        } else if (sqlState.startsWith("22") || sqlState.startsWith("23")) {
            dataErrors.increment();
        } else {
            otherErrors.increment();
        }
    }
}
