package io.runnel.replication.protocol;

import java.util.List;
import java.util.UUID;

/**
 * A follower's FETCH: for each partition, its log end offset (the fetch offset) and the leader epoch
 * it follows. The leader answers within {@code maxWaitMs} (sooner when it has new data).
 *
 * @param replicaId the fetching broker
 * @param maxBytes  soft cap on the whole response (at least one batch of the first partition with data)
 */
public record FetchRequest(int replicaId, int maxWaitMs, int maxBytes, List<Partition> partitions) {
    public FetchRequest {
        partitions = List.copyOf(partitions);
    }

    /** One partition to fetch. */
    public record Partition(String topic, UUID topicId, int partition, int currentLeaderEpoch, long fetchOffset,
            int maxBytes) {}
}
