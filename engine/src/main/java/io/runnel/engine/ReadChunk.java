package io.runnel.engine;

import io.runnel.storage.format.DecodedBatch;

/**
 * Rows {@code [fromRow, toRow)} of one decoded batch of one partition. Row {@code r} has offset
 * {@code batch.offset(r)} and timestamp {@code batch.timestamp(r)}.
 *
 * <p>Immutable; the batch is owned by the chunk's receiver until the next poll.
 */
public record ReadChunk(int partition, DecodedBatch batch, int fromRow, int toRow) {
    /** No rows now; poll again. */
    public static final ReadChunk EMPTY = new ReadChunk(-1, null, 0, 0);
    /** A bounded reader has nothing more. */
    public static final ReadChunk END = new ReadChunk(-2, null, 0, 0);

    public boolean isEmpty() {
        return this == EMPTY;
    }

    public boolean isEnd() {
        return this == END;
    }

    public int rowCount() {
        return toRow - fromRow;
    }
}
