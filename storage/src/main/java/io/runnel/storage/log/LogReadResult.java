package io.runnel.storage.log;

import io.runnel.storage.format.RecordBatch;
import java.nio.ByteBuffer;
import java.util.List;

/**
 * Whole batches read from a partition log, in offset order, with the log's bounds at the time of
 * the read. Batches are views of heap buffers this result owns; they are valid (CRC-checked) and,
 * when the read had a projection, projected.
 *
 * @param batches        the batches; the first holds the requested start offset
 * @param nextOffset     the offset to read from next (after the last batch, or the start offset if none)
 * @param logStartOffset the log start offset when read
 * @param logEndOffset   the log end offset when read
 * @param sizeInBytes    total bytes of the batches
 */
public record LogReadResult(List<RecordBatch> batches, long nextOffset, long logStartOffset, long logEndOffset,
        int sizeInBytes) {

    public LogReadResult {
        batches = List.copyOf(batches);
    }

    public boolean isEmpty() {
        return batches.isEmpty();
    }

    /** The batches back to back in one new buffer (what a fetch response carries). */
    public ByteBuffer toByteBuffer() {
        ByteBuffer out = ByteBuffer.allocate(sizeInBytes);
        for (RecordBatch batch : batches) {
            out.put(batch.buffer());
        }
        return out.flip();
    }
}
