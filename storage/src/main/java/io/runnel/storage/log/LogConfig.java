package io.runnel.storage.log;

/**
 * Settings of one partition log. Immutable; {@link #DEFAULT} and the {@code with…} methods build one.
 *
 * @param segmentBytes       roll the active segment before it would exceed this size
 * @param segmentMs          roll the active segment this long after its first batch, even if idle
 * @param retentionMs        delete whole segments whose newest batch is older than this; -1 = forever
 * @param retentionBytes     delete the oldest whole segments while the log is larger than this; -1 = no limit
 * @param indexIntervalBytes bytes of batches between two index entries
 * @param maxIndexBytes      size of each index file of the active segment (a full index rolls the segment)
 * @param maxBatchBytes      largest batch accepted by append
 * @param flushPolicy        when appended batches are forced to disk; see {@link FlushPolicy}
 * @param producerIdExpirationMs how long an idempotent producer's sequences are remembered after its newest batch
 */
public record LogConfig(long segmentBytes, long segmentMs, long retentionMs, long retentionBytes, int indexIntervalBytes,
        int maxIndexBytes, int maxBatchBytes, FlushPolicy flushPolicy, long producerIdExpirationMs) {

    /** How long an idempotent producer's state outlives its newest batch by default: 15 minutes. */
    public static final long DEFAULT_PRODUCER_ID_EXPIRATION_MS = 15 * 60 * 1000L;


    /** 1 GiB segments, 7-day roll and retention, no size limit, 4 KiB index interval, 10 MiB indexes, 8 MiB batches, OS flush. */
    public static final LogConfig DEFAULT = new LogConfig(1L << 30, 7L * 24 * 3600 * 1000, 7L * 24 * 3600 * 1000, -1,
            4096, 10 << 20, 8 << 20, FlushPolicy.OS, DEFAULT_PRODUCER_ID_EXPIRATION_MS);

    /** A config with the default producer id expiration. */
    public LogConfig(long segmentBytes, long segmentMs, long retentionMs, long retentionBytes, int indexIntervalBytes,
            int maxIndexBytes, int maxBatchBytes, FlushPolicy flushPolicy) {
        this(segmentBytes, segmentMs, retentionMs, retentionBytes, indexIntervalBytes, maxIndexBytes, maxBatchBytes, flushPolicy,
                DEFAULT_PRODUCER_ID_EXPIRATION_MS);
    }

    public LogConfig {
        if (segmentBytes < 1024 || segmentBytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("segmentBytes " + segmentBytes + " outside 1024.." + Integer.MAX_VALUE
                    + " (positions in a segment are int32)");
        }
        if (segmentMs <= 0) {
            throw new IllegalArgumentException("segmentMs must be positive, got " + segmentMs);
        }
        if (retentionMs < -1 || retentionMs == 0) {
            throw new IllegalArgumentException("retentionMs must be positive or -1, got " + retentionMs);
        }
        if (retentionBytes < -1) {
            throw new IllegalArgumentException("retentionBytes must be non-negative or -1, got " + retentionBytes);
        }
        if (indexIntervalBytes < 0) {
            throw new IllegalArgumentException("indexIntervalBytes must not be negative, got " + indexIntervalBytes);
        }
        if (maxIndexBytes < 64) {
            throw new IllegalArgumentException("maxIndexBytes must be at least 64, got " + maxIndexBytes);
        }
        if (maxBatchBytes < 128) {
            throw new IllegalArgumentException("maxBatchBytes must be at least 128, got " + maxBatchBytes);
        }
        if (flushPolicy == null) {
            throw new IllegalArgumentException("flushPolicy is null");
        }
        if (producerIdExpirationMs <= 0) {
            throw new IllegalArgumentException("producerIdExpirationMs must be positive, got " + producerIdExpirationMs);
        }
    }

    /**
     * Largest batch length recovery and reads accept in a segment: {@code maxBatchBytes}, but never
     * below 64 MiB, so that lowering {@code maxBatchBytes} never turns batches already written into
     * "corrupt" ones, while a damaged length field cannot make recovery allocate a whole segment.
     */
    public long largestStoredBatchBytes() {
        return Math.max(maxBatchBytes, 64L << 20);
    }

    public LogConfig withSegmentBytes(long v) {
        return new LogConfig(v, segmentMs, retentionMs, retentionBytes, indexIntervalBytes, maxIndexBytes, maxBatchBytes,
                flushPolicy, producerIdExpirationMs);
    }

    public LogConfig withSegmentMs(long v) {
        return new LogConfig(segmentBytes, v, retentionMs, retentionBytes, indexIntervalBytes, maxIndexBytes, maxBatchBytes,
                flushPolicy, producerIdExpirationMs);
    }

    public LogConfig withRetentionMs(long v) {
        return new LogConfig(segmentBytes, segmentMs, v, retentionBytes, indexIntervalBytes, maxIndexBytes, maxBatchBytes,
                flushPolicy, producerIdExpirationMs);
    }

    public LogConfig withRetentionBytes(long v) {
        return new LogConfig(segmentBytes, segmentMs, retentionMs, v, indexIntervalBytes, maxIndexBytes, maxBatchBytes,
                flushPolicy, producerIdExpirationMs);
    }

    public LogConfig withIndexIntervalBytes(int v) {
        return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, v, maxIndexBytes, maxBatchBytes,
                flushPolicy, producerIdExpirationMs);
    }

    public LogConfig withMaxIndexBytes(int v) {
        return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, indexIntervalBytes, v, maxBatchBytes,
                flushPolicy, producerIdExpirationMs);
    }

    public LogConfig withMaxBatchBytes(int v) {
        return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, indexIntervalBytes, maxIndexBytes, v,
                flushPolicy, producerIdExpirationMs);
    }

    public LogConfig withFlushPolicy(FlushPolicy v) {
        return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, indexIntervalBytes, maxIndexBytes, maxBatchBytes,
                v, producerIdExpirationMs);
    }

    public LogConfig withProducerIdExpirationMs(long v) {
        return new LogConfig(segmentBytes, segmentMs, retentionMs, retentionBytes, indexIntervalBytes, maxIndexBytes, maxBatchBytes,
                flushPolicy, v);
    }
}
