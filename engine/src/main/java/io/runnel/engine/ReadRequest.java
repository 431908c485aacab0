package io.runnel.engine;

import java.util.Map;

/**
 * What a {@link TopicReader} reads.
 *
 * @param topic topic name (case-insensitive)
 * @param starts partitions to read and where to start in each; an empty map means every partition,
 *     each from {@code defaultStart}
 * @param defaultStart the start of partitions not in {@code starts} (when {@code starts} is empty)
 * @param bounded stop at the high watermark each partition had when the reader opened
 * @param projection indexes of the topic's current-schema columns to decode, or {@code null} for all
 * @param maxBytesPerPoll soft cap of bytes read from storage by one poll
 * @param decodeProjection the columns of {@code projection} the receiver reads from the decoded
 *     batch ({@link ReadChunk#batch()}); the others travel only in the stored batch
 *     ({@link ReadChunk#stored()}) and are not decompressed. {@code null}: all of {@code projection}
 */
public record ReadRequest(
        String topic,
        Map<Integer, StartPosition> starts,
        StartPosition defaultStart,
        boolean bounded,
        int[] projection,
        int maxBytesPerPoll,
        int[] decodeProjection) {

    public static final int DEFAULT_MAX_BYTES_PER_POLL = 4 << 20;

    /** A request whose receiver reads every projected column from the decoded batches. */
    public ReadRequest(String topic, Map<Integer, StartPosition> starts, StartPosition defaultStart, boolean bounded,
            int[] projection, int maxBytesPerPoll) {
        this(topic, starts, defaultStart, bounded, projection, maxBytesPerPoll, null);
    }

    /** Every partition from the earliest retained offset up to the high watermark now. */
    public static ReadRequest snapshot(String topic, int[] projection) {
        return new ReadRequest(topic, Map.of(), StartPosition.earliest(), true, projection, DEFAULT_MAX_BYTES_PER_POLL);
    }
}
