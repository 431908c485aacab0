package io.runnel.engine;

import java.util.List;

/**
 * One partition's replication and log state, for {@code sys.partitions}.
 *
 * @param addingReplicas   while the partition moves (ALTER TOPIC ... MOVE PARTITION): replicas copying it to join
 * @param removingReplicas while it moves: replicas that leave once every target replica is in sync
 */
public record PartitionStatus(
        String topic,
        int partition,
        int leader,
        int leaderEpoch,
        List<Integer> replicas,
        List<Integer> isr,
        long logStartOffset,
        long highWatermark,
        long logEndOffset,
        long sizeBytes,
        List<Integer> addingReplicas,
        List<Integer> removingReplicas) {

    public PartitionStatus {
        replicas = List.copyOf(replicas);
        isr = List.copyOf(isr);
        addingReplicas = List.copyOf(addingReplicas);
        removingReplicas = List.copyOf(removingReplicas);
    }

    /** A partition that is not moving. */
    public PartitionStatus(String topic, int partition, int leader, int leaderEpoch, List<Integer> replicas, List<Integer> isr,
            long logStartOffset, long highWatermark, long logEndOffset, long sizeBytes) {
        this(topic, partition, leader, leaderEpoch, replicas, isr, logStartOffset, highWatermark, logEndOffset, sizeBytes, List.of(),
                List.of());
    }
}
