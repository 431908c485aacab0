package io.runnel.replication.protocol;

import io.runnel.engine.partition.ReplicaError;
import java.util.List;

/** The answer to an {@link EpochRequest}, one entry per requested partition, in request order. */
public record EpochResponse(List<Partition> partitions) {
    public EpochResponse {
        partitions = List.copyOf(partitions);
    }

    /**
     * @param leaderEpoch the largest epoch at or below the requested one in the leader's log, or -1
     * @param endOffset   where that epoch ended (or, with -1, where the leader's first epoch starts)
     */
    public record Partition(String topic, int partition, ReplicaError error, int leaderEpoch, long endOffset) {}
}
