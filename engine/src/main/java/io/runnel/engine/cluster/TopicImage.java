package io.runnel.engine.cluster;

import io.runnel.engine.TopicInfo;
import io.runnel.engine.catalog.Versioned;
import java.util.List;

/**
 * One topic in a {@link MetadataImage}: the catalog entry and its partitions. {@code partitions} has
 * one entry per partition of the entry's config; one whose assignment or state is not stored yet
 * (the metadata is read while a DDL commits) has empty replicas and a null state.
 */
public record TopicImage(Versioned<TopicInfo> entry, List<PartitionImage> partitions) {
    public TopicImage {
        partitions = List.copyOf(partitions);
    }

    public TopicInfo info() {
        return entry.value();
    }

    public PartitionImage partition(int p) {
        return p < partitions.size() ? partitions.get(p) : new PartitionImage(p, List.of(), null);
    }
}
