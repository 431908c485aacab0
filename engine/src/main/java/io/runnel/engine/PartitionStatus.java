package io.runnel.engine;

import java.util.List;

/** One partition's replication and log state, for {@code sys.partitions}. */
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
        long sizeBytes) {}
