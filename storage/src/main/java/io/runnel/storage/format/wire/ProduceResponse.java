package io.runnel.storage.format.wire;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * What the broker appended for a {@link ProduceRequest}: per batch, in request order, its partition
 * and the offsets it was given.
 *
 * <pre>
 * header (type 4) | batchCount int32 | (partition int32 | baseOffset int64 | lastOffset int64) ...
 * </pre>
 */
public record ProduceResponse(List<Appended> batches) {

    /** One appended batch. */
    public record Appended(int partition, long baseOffset, long lastOffset) {
        public long rowCount() {
            return lastOffset - baseOffset + 1;
        }
    }

    public ProduceResponse {
        batches = List.copyOf(batches);
    }

    public long rowCount() {
        long n = 0;
        for (Appended a : batches) {
            n += a.rowCount();
        }
        return n;
    }

    public byte[] encode() {
        WireWriter w = WireWriter.message(MessageType.PRODUCE_RESPONSE, 8 + 20 * batches.size());
        w.putInt(batches.size());
        for (Appended a : batches) {
            w.putInt(a.partition());
            w.putLong(a.baseOffset());
            w.putLong(a.lastOffset());
        }
        return w.toByteArray();
    }

    /** @throws DataPathFormatException for a malformed body */
    public static ProduceResponse decode(ByteBuffer body) {
        WireReader r = WireReader.message(body, MessageType.PRODUCE_RESPONSE);
        int count = r.getInt("batchCount", 0, Integer.MAX_VALUE);
        List<Appended> batches = new ArrayList<>(Math.min(count, 1024));
        for (int i = 0; i < count; i++) {
            int partition = r.getInt("partition", 0, Integer.MAX_VALUE);
            long base = r.getLong("baseOffset");
            long last = r.getLong("lastOffset");
            if (base < 0 || last < base) {
                throw new DataPathFormatException("produce response: batch " + i + " has offsets " + base + ".." + last);
            }
            batches.add(new Appended(partition, base, last));
        }
        r.expectEnd();
        return new ProduceResponse(batches);
    }
}
