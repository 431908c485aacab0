package io.runnel.replication.follower;

/**
 * Settings of the follower fetchers.
 *
 * @param maxWaitMs         how long a leader may hold a fetch when it has nothing new (long-poll)
 * @param maxBytes          soft cap of one fetch response
 * @param partitionMaxBytes soft cap per partition in one fetch response (at least one batch)
 * @param backoffMs         pause of a partition (or of the whole fetcher, when the leader cannot be reached)
 *                          after an error, before it is fetched again
 * @param requestTimeoutMs  a request unanswered for this long fails (the connection is dropped) — must exceed {@code maxWaitMs}
 */
public record FetcherConfig(int maxWaitMs, int maxBytes, int partitionMaxBytes, long backoffMs, long requestTimeoutMs) {
    public static final FetcherConfig DEFAULTS = new FetcherConfig(500, 16 << 20, 4 << 20, 200, 30_000);

    public FetcherConfig {
        if (maxWaitMs < 0 || maxBytes < 1 || partitionMaxBytes < 1 || backoffMs < 1) {
            throw new IllegalArgumentException("invalid fetcher settings: " + maxWaitMs + " ms wait, " + maxBytes + " bytes, "
                    + partitionMaxBytes + " bytes per partition, " + backoffMs + " ms backoff");
        }
        if (requestTimeoutMs <= maxWaitMs) {
            throw new IllegalArgumentException("requestTimeoutMs (" + requestTimeoutMs + ") must exceed maxWaitMs (" + maxWaitMs + ")");
        }
    }

    public FetcherConfig withMaxWaitMs(int v) {
        return new FetcherConfig(v, maxBytes, partitionMaxBytes, backoffMs, requestTimeoutMs);
    }

    public FetcherConfig withBackoffMs(long v) {
        return new FetcherConfig(maxWaitMs, maxBytes, partitionMaxBytes, v, requestTimeoutMs);
    }

    public FetcherConfig withRequestTimeoutMs(long v) {
        return new FetcherConfig(maxWaitMs, maxBytes, partitionMaxBytes, backoffMs, v);
    }
}
