package io.runnel.engine.local;

import io.runnel.engine.EngineException;
import io.runnel.engine.SqlStates;
import io.runnel.engine.TopicInfo;
import io.runnel.engine.catalog.Versioned;
import io.runnel.engine.partition.Partition;
import io.runnel.storage.format.Schema;
import io.runnel.storage.format.SchemaLookup;
import io.runnel.storage.format.UnknownSchemaException;
import java.nio.file.Path;
import java.util.List;

/**
 * A topic hosted by a {@link LocalEngine}: its catalog entry and its open partitions. The entry and
 * the partition list are replaced whole (copy on write) by DDL under the engine's catalog lock; produce
 * and readers read them without locks.
 *
 * <p>Thread-safe.
 */
final class LocalTopic {
    final Path dir;
    /** Written under the catalog lock; read by produce, readers and the schema lookup of the logs. */
    private volatile Versioned<TopicInfo> entry;
    /** Written under the catalog lock (ALTER adds partitions); read by produce, readers, maintenance. */
    private volatile List<Partition> partitions;
    /** Set by DROP under the catalog lock; read by produce and readers to report 42P01. */
    private volatile boolean dropped;

    /** The log's view of the topic's schemas: throws {@link UnknownSchemaException} as storage expects. */
    final SchemaLookup schemas = this::schema;

    LocalTopic(Path dir, Versioned<TopicInfo> entry, List<Partition> partitions) {
        this.dir = dir;
        this.entry = entry;
        this.partitions = List.copyOf(partitions);
    }

    TopicInfo info() {
        return entry.value();
    }

    Versioned<TopicInfo> entry() {
        return entry;
    }

    void setEntry(Versioned<TopicInfo> entry) {
        this.entry = entry;
    }

    List<Partition> partitions() {
        return partitions;
    }

    void setPartitions(List<Partition> partitions) {
        this.partitions = List.copyOf(partitions);
    }

    boolean isDropped() {
        return dropped;
    }

    void markDropped() {
        dropped = true;
    }

    /** @throws EngineException 22023 naming the topic and its partition count */
    Partition partition(int p) {
        List<Partition> list = partitions;
        if (p < 0 || p >= list.size()) {
            throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, "partition " + p + " of topic " + info().name()
                    + " does not exist (it has " + list.size() + " partition" + (list.size() == 1 ? "" : "s") + ": 0.."
                    + (list.size() - 1) + ")");
        }
        return list.get(p);
    }

    Schema schema(int schemaId) {
        for (Schema s : entry.value().schemas()) {
            if (s.schemaId() == schemaId) {
                return s;
            }
        }
        throw new UnknownSchemaException(schemaId);
    }
}
