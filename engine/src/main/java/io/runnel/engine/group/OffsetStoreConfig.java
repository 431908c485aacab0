package io.runnel.engine.group;

/**
 * How the internal topic of committed offsets is kept bounded.
 *
 * <p>The topic is retained by bytes ({@code retentionBytes}, whole segments of {@code segmentBytes}).
 * So that retention never deletes the only record of a live offset, the store writes a snapshot of
 * every current offset whenever {@code snapshotEveryRecords} (or twice the number of live offsets,
 * whichever is larger) commit records were appended since the last snapshot. The latest snapshot
 * and everything after it therefore stay within retention as long as about three times the live
 * offsets fit in {@code retentionBytes - segmentBytes} (a record is a few dozen bytes compressed:
 * with the defaults, hundreds of thousands of group partitions).
 *
 * <p>Immutable.
 */
public record OffsetStoreConfig(long retentionBytes, long segmentBytes, int snapshotEveryRecords, long commitTimeoutMs) {
    public static final OffsetStoreConfig DEFAULTS = new OffsetStoreConfig(64L << 20, 1L << 20, 10_000, 30_000);

    public OffsetStoreConfig {
        if (segmentBytes < (1L << 20) || retentionBytes < 2 * segmentBytes) {
            throw new IllegalArgumentException("offset store needs segment_bytes >= 1MB and retention_bytes >= 2 segments,"
                    + " not " + segmentBytes + " / " + retentionBytes);
        }
        if (snapshotEveryRecords < 1 || commitTimeoutMs < 1) {
            throw new IllegalArgumentException("snapshotEveryRecords and commitTimeoutMs must be positive");
        }
    }
}
