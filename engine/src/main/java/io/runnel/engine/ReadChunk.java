package io.runnel.engine;

import io.runnel.storage.format.DecodedBatch;
import io.runnel.storage.format.RecordBatch;

/**
 * Rows {@code [fromRow, toRow)} of one decoded batch of one partition. Row {@code r} has offset
 * {@code batch.offset(r)} and timestamp {@code batch.timestamp(r)}.
 *
 * <p>{@code stored} is the batch as the log returned it, already cut to the request's projection
 * in storage (still compressed, with its CRC) — what the data path's fetch sends to the driver as
 * it is; {@code null} from readers that do not keep it.
 *
 * <p>Immutable; the batch is owned by the chunk's receiver until the next poll.
 */
public record ReadChunk(int partition, DecodedBatch batch, int fromRow, int toRow, RecordBatch stored) {
    /** No rows now; poll again. */
    public static final ReadChunk EMPTY = new ReadChunk(-1, null, 0, 0);
    /** A bounded reader has nothing more. */
    public static final ReadChunk END = new ReadChunk(-2, null, 0, 0);

    public ReadChunk(int partition, DecodedBatch batch, int fromRow, int toRow) {
        this(partition, batch, fromRow, toRow, null);
    }

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
