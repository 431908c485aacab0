package io.runnel.engine;

import java.util.List;

/** What a {@link Engine#produce} appended: one entry per batch, in the order given. */
public record ProduceResult(List<Appended> batches) {
    /** One appended batch: its partition, offsets and the append timestamp stamped by the leader. */
    public record Appended(int partition, long baseOffset, long lastOffset, long timestampMs) {
        public long rowCount() {
            return lastOffset - baseOffset + 1;
        }
    }

    public long rowCount() {
        long n = 0;
        for (Appended a : batches) {
            n += a.rowCount();
        }
        return n;
    }
}
