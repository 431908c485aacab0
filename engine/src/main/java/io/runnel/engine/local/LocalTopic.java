package io.runnel.engine.local;

import io.runnel.engine.EngineException;
import io.runnel.engine.SqlStates;
import io.runnel.engine.TopicInfo;
import io.runnel.engine.catalog.Versioned;
import io.runnel.engine.cluster.PartitionState;
import io.runnel.engine.partition.Partition;
import io.runnel.storage.format.Schema;
import io.runnel.storage.format.SchemaLookup;
import io.runnel.storage.format.UnknownSchemaException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A topic as a {@link LocalEngine} knows it: its catalog entry and one {@link Slot} per partition —
 * the local replica when this broker hosts one, and where the partition's leader is. The entry and the
 * slot list are replaced whole (copy on write) by the engine's image application; produce and readers
 * read them without locks.
 *
 * <p>Thread-safe.
 */
final class LocalTopic {
    /** Where a partition's leader is, as the last applied metadata image says. Immutable. */
    record Route(int leader, int leaderEpoch, List<Integer> replicas, List<Integer> isr, List<Integer> adding,
            List<Integer> removing) {
        static final Route UNKNOWN = new Route(PartitionState.NO_LEADER, -1, List.of(), List.of(), List.of(), List.of());

        boolean hasLeader() {
            return leader != PartitionState.NO_LEADER;
        }
    }

    /** One partition of the topic on this broker. */
    static final class Slot {
        final int partition;
        /** The local replica, or null when not hosted here. Written by image application; read by produce, readers. */
        volatile Partition replica;
        /** Written by image application; read by produce, readers and status. */
        volatile Route route = Route.UNKNOWN;
        /** Why the local replica could not be opened, or null. Written and read by image application and DDL. */
        volatile RuntimeException openFailure;

        Slot(int partition) {
            this.partition = partition;
        }
    }

    final Path dir;
    /** Written by image application; read by produce, readers and the schema lookup of the logs. */
    private volatile Versioned<TopicInfo> entry;
    /** Written by image application (grows with ALTER); read by produce, readers, maintenance. */
    private volatile List<Slot> slots = List.of();
    /** Set when the topic leaves the image; read by produce and readers to report 42P01. */
    private volatile boolean dropped;

    /** The log's view of the topic's schemas: throws {@link UnknownSchemaException} as storage expects. */
    final SchemaLookup schemas = this::schema;

    LocalTopic(Path dir, Versioned<TopicInfo> entry) {
        this.dir = dir;
        this.entry = entry;
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

    List<Slot> slots() {
        return slots;
    }

    /** Grows the slot list to {@code count} partitions (existing slots stay). */
    void ensureSlots(int count) {
        List<Slot> current = slots;
        if (current.size() >= count) {
            return;
        }
        List<Slot> grown = new ArrayList<>(current);
        for (int p = current.size(); p < count; p++) {
            grown.add(new Slot(p));
        }
        slots = List.copyOf(grown);
    }

    /** The local replicas, in partition order. */
    List<Partition> replicas() {
        List<Partition> out = new ArrayList<>();
        for (Slot s : slots) {
            Partition r = s.replica;
            if (r != null) {
                out.add(r);
            }
        }
        return out;
    }

    boolean isDropped() {
        return dropped;
    }

    void markDropped() {
        dropped = true;
    }

    /** @throws EngineException 22023 naming the topic and its partition count */
    Slot slot(int p) {
        List<Slot> list = slots;
        int count = Math.min(list.size(), info().partitions());
        if (p < 0 || p >= count) {
            throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, "partition " + p + " of topic " + info().name()
                    + " does not exist (it has " + count + " partition" + (count == 1 ? "" : "s") + ": 0.."
                    + (count - 1) + ")");
        }
        return list.get(p);
    }

    /** Partitions the topic has now. */
    int partitionCount() {
        return Math.min(slots.size(), info().partitions());
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
