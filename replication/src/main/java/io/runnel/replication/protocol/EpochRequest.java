package io.runnel.replication.protocol;

import java.util.List;
import java.util.UUID;

/**
 * A follower's OFFSETS_FOR_LEADER_EPOCH (KIP-101/279): where did epoch {@code leaderEpoch} end in the
 * leader's log? {@code currentLeaderEpoch} fences requests from followers of another epoch.
 */
public record EpochRequest(int replicaId, List<Partition> partitions) {
    public EpochRequest {
        partitions = List.copyOf(partitions);
    }

    public record Partition(String topic, UUID topicId, int partition, int currentLeaderEpoch, int leaderEpoch) {}
}
