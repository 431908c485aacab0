package io.runnel.storage.format;

/**
 * What a producer puts in a batch header besides the rows: its idempotence identity and, for
 * topics with an event-time column, where the timestamps come from.
 *
 * @param producerId      idempotent producer id, or {@link BatchFormat#NO_PRODUCER_ID}
 * @param producerEpoch   producer epoch, or {@link BatchFormat#NO_PRODUCER_EPOCH}
 * @param baseSequence    sequence number of the first row, or {@link BatchFormat#NO_SEQUENCE}
 * @param eventTimeColumn index of the topic's event-time column (TIMESTAMP or TIMESTAMP_LTZ, NOT NULL),
 *                        or -1 for append time: the leader stamps its clock into the header
 * @param transactional   whether the batch belongs to a transaction
 */
public record BatchMetadata(long producerId, short producerEpoch, int baseSequence, int eventTimeColumn,
        boolean transactional) {

    /** No producer identity, append time. */
    public static final BatchMetadata NONE = new BatchMetadata(BatchFormat.NO_PRODUCER_ID,
            BatchFormat.NO_PRODUCER_EPOCH, BatchFormat.NO_SEQUENCE, -1, false);

    public static BatchMetadata idempotent(long producerId, short producerEpoch, int baseSequence) {
        return new BatchMetadata(producerId, producerEpoch, baseSequence, -1, false);
    }

    /** The same, with timestamps taken from the min/max of column {@code column}. */
    public BatchMetadata withEventTimeColumn(int column) {
        return new BatchMetadata(producerId, producerEpoch, baseSequence, column, transactional);
    }

    public boolean isEventTime() {
        return eventTimeColumn >= 0;
    }
}
