package io.runnel.replication.protocol;

import io.runnel.engine.partition.ReplicaError;
import java.util.List;

/** The leader's answer to a {@link FetchRequest}: one entry per requested partition, in request order. */
public record FetchResponse(List<Partition> partitions) {
    public FetchResponse {
        partitions = List.copyOf(partitions);
    }

    /**
     * @param logEndOffset the leader's published end (followers fetch below it)
     * @param records      batches from the fetch offset, empty when none (or on error)
     */
    public record Partition(String topic, int partition, ReplicaError error, long highWatermark, long logStartOffset,
            long logEndOffset, Records records) {}
}
