package io.runnel.engine.cluster;

import io.runnel.engine.TopicInfo;
import io.runnel.engine.catalog.Versioned;
import java.util.List;

/**
 * One topic in a {@link MetadataImage}: the catalog entry and its partitions. {@code partitions} has
 * one entry per partition of the entry's config; one whose assignment or state is not stored yet
 * (the metadata is read while a DDL commits) has empty replicas and a null state.
 * {@code assignmentVersion} is the version of the stored assignment (replicas and moves) that a
 * compare-and-set write presents.
 */
public record TopicImage(Versioned<TopicInfo> entry, List<PartitionImage> partitions, int assignmentVersion) {
    public TopicImage {
        partitions = List.copyOf(partitions);
    }

    /** A topic whose assignment version is not known (-1; nothing compare-and-sets it). */
    public TopicImage(Versioned<TopicInfo> entry, List<PartitionImage> partitions) {
        this(entry, partitions, -1);
    }

    public TopicInfo info() {
        return entry.value();
    }

    public PartitionImage partition(int p) {
        return p < partitions.size() ? partitions.get(p) : new PartitionImage(p, List.of(), null);
    }
}
