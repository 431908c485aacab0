package io.runnel.storage.format.wire;

import io.runnel.storage.format.BatchFormat;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Batches a client built for one prepared INSERT, for the broker to validate and append as they
 * are. The topic id, schema id and partition count are those of the plan the client built with;
 * the broker refuses the request (stale plan) when the topic changed in a way that matters.
 *
 * <pre>
 * header (type 3) | connectionId string | statementId int32 | topicId 2 x int64 | schemaId int32
 *   | partitions int32 | rowCount int64 | batchCount int32 | (partition int32 | length int32 | batch bytes) ...
 * </pre>
 *
 * @param rowCount the rows of all batches together, checked against the batches' record counts
 */
public record ProduceRequest(String connectionId, int statementId, UUID topicId, int schemaId, int partitions,
        long rowCount, List<Batch> batches) {

    /** One storage-format batch (little-endian, docs/format/segment.md) for one partition. */
    public record Batch(int partition, ByteBuffer batch) {}

    public ProduceRequest {
        batches = List.copyOf(batches);
    }

    public byte[] encode() {
        int size = 64 + connectionId.length();
        for (Batch b : batches) {
            size += 8 + b.batch().remaining();
        }
        WireWriter w = WireWriter.message(MessageType.PRODUCE_REQUEST, size);
        w.putString(connectionId);
        w.putInt(statementId);
        w.putLong(topicId.getMostSignificantBits());
        w.putLong(topicId.getLeastSignificantBits());
        w.putInt(schemaId);
        w.putInt(partitions);
        w.putLong(rowCount);
        w.putInt(batches.size());
        for (Batch b : batches) {
            w.putInt(b.partition());
            w.putInt(b.batch().remaining());
            w.putBuffer(b.batch());
        }
        return w.toByteArray();
    }

    /**
     * Decodes a request; the batches are little-endian views of {@code body} (no copy), as the batch
     * format is little-endian.
     *
     * @throws DataPathFormatException for a malformed body, including batches whose record counts do not
     *     add up to {@code rowCount} (the batches' own CRCs and structure are the broker's to check)
     */
    public static ProduceRequest decode(ByteBuffer body) {
        WireReader r = WireReader.message(body, MessageType.PRODUCE_REQUEST);
        String connectionId = r.getString("connectionId");
        int statementId = r.getInt("statementId");
        UUID topicId = new UUID(r.getLong("topicId"), r.getLong("topicId"));
        int schemaId = r.getInt("schemaId", 0, Integer.MAX_VALUE);
        int partitions = r.getInt("partitions", 1, Integer.MAX_VALUE);
        long rowCount = r.getLong("rowCount");
        int count = r.getInt("batchCount", 0, Integer.MAX_VALUE);
        List<Batch> batches = new ArrayList<>(Math.min(count, 1024));
        long counted = 0;
        for (int i = 0; i < count; i++) {
            int partition = r.getInt("batch " + i + " partition", 0, partitions - 1);
            int length = r.getInt("batch " + i + " length", BatchFormat.HEADER_SIZE, Integer.MAX_VALUE);
            ByteBuffer batch = r.getSlice(length, "batch " + i).order(ByteOrder.LITTLE_ENDIAN);
            int length0 = batch.getInt(batch.position() + BatchFormat.LENGTH_OFFSET);
            if (length0 + BatchFormat.LOG_OVERHEAD != length) {
                throw new DataPathFormatException("produce request: batch " + i + " is " + length
                        + " bytes, its header says " + (length0 + (long) BatchFormat.LOG_OVERHEAD));
            }
            counted += batch.getInt(batch.position() + BatchFormat.RECORD_COUNT_OFFSET);
            batches.add(new Batch(partition, batch));
        }
        r.expectEnd();
        if (counted != rowCount) {
            throw new DataPathFormatException("produce request: batches hold " + counted + " rows, the request says "
                    + rowCount);
        }
        return new ProduceRequest(connectionId, statementId, topicId, schemaId, partitions, rowCount, batches);
    }
}
