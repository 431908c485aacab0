package io.runnel.storage.log;

/**
 * What an append wrote.
 *
 * @param firstOffset    offset of the batch's first row
 * @param lastOffset     offset of its last row
 * @param firstTimestamp the batch's first timestamp as stored (the append time for append-time batches)
 * @param maxTimestamp   the batch's max timestamp as stored
 * @param recordCount    rows in the batch
 * @param sizeInBytes    bytes the batch occupies in the segment
 * @param logStartOffset the log start offset after the append
 * @param duplicate      whether the batch was an idempotent producer's retry of a batch already stored:
 *                       nothing was written, and the offsets and timestamps are the original's
 */
public record LogAppendInfo(long firstOffset, long lastOffset, long firstTimestamp, long maxTimestamp, int recordCount,
        int sizeInBytes, long logStartOffset, boolean duplicate) {

    /** What a new batch's append wrote. */
    public LogAppendInfo(long firstOffset, long lastOffset, long firstTimestamp, long maxTimestamp, int recordCount,
            int sizeInBytes, long logStartOffset) {
        this(firstOffset, lastOffset, firstTimestamp, maxTimestamp, recordCount, sizeInBytes, logStartOffset, false);
    }

    /** The log end offset after the append. */
    public long nextOffset() {
        return lastOffset + 1;
    }
}
