package io.runnel.engine.group;

import java.util.OptionalInt;

/**
 * Who leads the partitions of {@value OffsetStore#TOPIC}, as the consumer-group code needs it: the
 * leader named by the cluster metadata (to route a group's requests to its coordinator) and whether
 * this broker's own replica leads now (to serve them). The cluster broker implements it over its
 * metadata image and its replicas; {@link #SINGLE_BROKER} is a broker alone.
 *
 * <p>Implementations are thread-safe and cheap (called on every group request).
 */
public interface OffsetsTopicView {

    /** This broker's replica of a partition it leads now. */
    record LocalLeader(int leaderEpoch, long highWatermark, long logEndOffset) {}

    /** The leader of {@code partition} in the metadata, or empty when it has none now. */
    OptionalInt leaderOf(int partition);

    /** This broker's replica of {@code partition} when it is the leader now; null otherwise. */
    LocalLeader localLeader(int partition);

    /** The id of this broker. */
    int localBrokerId();

    /** A broker without a cluster: it leads every partition, at epoch 0, and its high watermark is its log end. */
    OffsetsTopicView SINGLE_BROKER = new OffsetsTopicView() {
        @Override
        public OptionalInt leaderOf(int partition) {
            return OptionalInt.of(0);
        }

        @Override
        public LocalLeader localLeader(int partition) {
            return new LocalLeader(0, 0, 0);
        }

        @Override
        public int localBrokerId() {
            return 0;
        }
    };
}
