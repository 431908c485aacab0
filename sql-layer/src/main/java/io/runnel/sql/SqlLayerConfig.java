package io.runnel.sql;

/**
 * Limits and defaults of the SQL layer; the server reads them from its configuration (the names in
 * {@code docs/operations.md} are the snake_case forms of the fields).
 *
 * <p>Immutable.
 *
 * @param fetchWaitMs how long a fetch of an unbounded query waits for a row when the connection
 *     does not say ({@code fetch_wait_ms} connection property)
 * @param maxFetchWaitMs cap on any fetch wait, well under a client's HTTP timeout
 * @param maxStreamingQueries unbounded queries running at once (each has a query thread); beyond,
 *     a new one fails with 53000
 * @param streamingQueueRows rows buffered per unbounded query between its thread and the client's
 *     fetches; a full queue pauses the query (back-pressure)
 * @param maxConnections open connections at once; beyond, a new one fails with 53300
 * @param connectionIdleTimeoutMs a connection that made no request for this long is closed with its
 *     statements and queries
 * @param maxStatementChars longest statement text accepted (54000 beyond)
 * @param maxInsertRows most rows one INSERT statement or batch may write (54000 beyond)
 * @param maxInsertBytes most bytes (uncompressed, as estimated while building) one INSERT may write
 * @param produceTimeoutMs how long an INSERT waits for the broker's acknowledgement (57014 beyond)
 * @param maxFetchRows most rows one fetch returns, whatever the client asks
 * @param maxWaitingFetches fetches of unbounded queries waiting for rows at once (each holds a request
 *     thread); one more fails with 53000 instead of exhausting the server's threads
 * @param groupSessionTimeoutMs a consumer-group member whose connection made no request for this long
 *     (and has none in progress) is removed from its group: its streaming queries with a group are
 *     cancelled and their partitions move to the other members
 */
public record SqlLayerConfig(
        long fetchWaitMs,
        long maxFetchWaitMs,
        int maxStreamingQueries,
        int streamingQueueRows,
        int maxConnections,
        long connectionIdleTimeoutMs,
        int maxStatementChars,
        long maxInsertRows,
        long maxInsertBytes,
        long produceTimeoutMs,
        int maxFetchRows,
        int maxWaitingFetches,
        long groupSessionTimeoutMs) {

    public static final SqlLayerConfig DEFAULTS = new SqlLayerConfig(
            1_000, 20_000, 1_000, 10_000, 1_000, 600_000, 4_000_000, 1_000_000, 256L << 20, 30_000, 10_000, 512, 10_000);

    public SqlLayerConfig {
        positive("fetch_wait_ms", fetchWaitMs + 1);
        positive("max_fetch_wait_ms", maxFetchWaitMs);
        positive("max_streaming_queries", maxStreamingQueries);
        positive("streaming_queue_rows", streamingQueueRows);
        positive("max_connections", maxConnections);
        positive("connection_idle_timeout_ms", connectionIdleTimeoutMs);
        positive("max_statement_chars", maxStatementChars);
        positive("max_insert_rows", maxInsertRows);
        positive("max_insert_bytes", maxInsertBytes);
        positive("produce_timeout_ms", produceTimeoutMs);
        positive("max_fetch_rows", maxFetchRows);
        positive("max_waiting_fetches", maxWaitingFetches);
        positive("group_session_timeout_ms", groupSessionTimeoutMs);
    }

    private static void positive(String key, long value) {
        if (value <= 0) {
            throw new IllegalArgumentException(key + " must be positive, not " + value);
        }
    }

    public SqlLayerConfig withMaxStreamingQueries(int v) {
        return new SqlLayerConfig(fetchWaitMs, maxFetchWaitMs, v, streamingQueueRows, maxConnections,
                connectionIdleTimeoutMs, maxStatementChars, maxInsertRows, maxInsertBytes, produceTimeoutMs, maxFetchRows, maxWaitingFetches,
                groupSessionTimeoutMs);
    }

    public SqlLayerConfig withMaxConnections(int v) {
        return new SqlLayerConfig(fetchWaitMs, maxFetchWaitMs, maxStreamingQueries, streamingQueueRows, v,
                connectionIdleTimeoutMs, maxStatementChars, maxInsertRows, maxInsertBytes, produceTimeoutMs, maxFetchRows, maxWaitingFetches,
                groupSessionTimeoutMs);
    }

    public SqlLayerConfig withConnectionIdleTimeoutMs(long v) {
        return new SqlLayerConfig(fetchWaitMs, maxFetchWaitMs, maxStreamingQueries, streamingQueueRows, maxConnections,
                v, maxStatementChars, maxInsertRows, maxInsertBytes, produceTimeoutMs, maxFetchRows, maxWaitingFetches,
                groupSessionTimeoutMs);
    }

    public SqlLayerConfig withMaxStatementChars(int v) {
        return new SqlLayerConfig(fetchWaitMs, maxFetchWaitMs, maxStreamingQueries, streamingQueueRows, maxConnections,
                connectionIdleTimeoutMs, v, maxInsertRows, maxInsertBytes, produceTimeoutMs, maxFetchRows, maxWaitingFetches,
                groupSessionTimeoutMs);
    }

    public SqlLayerConfig withMaxInsertRows(long v) {
        return new SqlLayerConfig(fetchWaitMs, maxFetchWaitMs, maxStreamingQueries, streamingQueueRows, maxConnections,
                connectionIdleTimeoutMs, maxStatementChars, v, maxInsertBytes, produceTimeoutMs, maxFetchRows, maxWaitingFetches,
                groupSessionTimeoutMs);
    }

    public SqlLayerConfig withStreamingQueueRows(int v) {
        return new SqlLayerConfig(fetchWaitMs, maxFetchWaitMs, maxStreamingQueries, v, maxConnections,
                connectionIdleTimeoutMs, maxStatementChars, maxInsertRows, maxInsertBytes, produceTimeoutMs, maxFetchRows, maxWaitingFetches,
                groupSessionTimeoutMs);
    }

    public SqlLayerConfig withFetchWaitMs(long v) {
        return new SqlLayerConfig(v, maxFetchWaitMs, maxStreamingQueries, streamingQueueRows, maxConnections,
                connectionIdleTimeoutMs, maxStatementChars, maxInsertRows, maxInsertBytes, produceTimeoutMs, maxFetchRows, maxWaitingFetches,
                groupSessionTimeoutMs);
    }

    public SqlLayerConfig withGroupSessionTimeoutMs(long v) {
        return new SqlLayerConfig(fetchWaitMs, maxFetchWaitMs, maxStreamingQueries, streamingQueueRows, maxConnections,
                connectionIdleTimeoutMs, maxStatementChars, maxInsertRows, maxInsertBytes, produceTimeoutMs, maxFetchRows,
                maxWaitingFetches, v);
    }
}
