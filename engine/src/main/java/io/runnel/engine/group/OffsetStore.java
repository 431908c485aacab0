package io.runnel.engine.group;

import io.runnel.engine.Acks;
import io.runnel.engine.Engine;
import io.runnel.engine.EngineException;
import io.runnel.engine.PartitionBatch;
import io.runnel.engine.ReadChunk;
import io.runnel.engine.ReadRequest;
import io.runnel.engine.SqlStates;
import io.runnel.engine.StartPosition;
import io.runnel.engine.TopicInfo;
import io.runnel.engine.TopicReader;
import io.runnel.engine.TopicSpec;
import io.runnel.storage.format.BatchBuilder;
import io.runnel.storage.format.BatchMetadata;
import io.runnel.storage.format.Column;
import io.runnel.storage.format.ColumnType;
import io.runnel.storage.format.DecodedBatch;
import io.runnel.storage.format.Schema;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Committed offsets of consumer groups, durable in the internal topic {@value #TOPIC} and cached in
 * memory.
 *
 * <p>Every commit is produced to the topic through {@link Engine#produce} (acks=all), so it is as
 * durable as any acknowledged row and replicated wherever the engine replicates topics; only then is
 * the cache updated. {@link #open} replays the topic from its log start: the latest record per
 * (group, topic, partition) wins. The topic is bounded by bytes; snapshots of all live offsets keep
 * every live offset within retention (see {@link OffsetStoreConfig}).
 *
 * <p>Record (one row of the topic): {@code group_name VARCHAR NOT NULL, topic VARCHAR NOT NULL,
 * topic_id VARCHAR(36) NOT NULL, partition_id INTEGER NOT NULL, next_offset BIGINT NOT NULL,
 * committed_at BIGINT NOT NULL} (epoch ms). A store owns one partition of the topic (the groups whose
 * coordinator that partition decides, {@link GroupService#partitionFor}); its records are totally ordered.
 *
 * <p>Thread-safe: commits are serialized by the store's monitor, so the topic's order is the order
 * in which the cache changed. Reads ({@link #committed}, {@link #snapshot}, {@link #knowsGroup}) take no
 * lock: a commit holds the monitor while its produce waits for acks=all, and a fetch positioning a
 * reader or a {@code sys.consumer_groups} query must not wait behind it. A reader sees each offset
 * either before or after a commit (a multi-partition commit may be seen partly applied).
 */
public final class OffsetStore {
    private static final Logger LOG = LoggerFactory.getLogger(OffsetStore.class);

    /** Name of the internal topic. */
    public static final String TOPIC = "__consumer_offsets";
    /** Rows per batch written by one produce (a snapshot writes several). */
    static final int ROWS_PER_BATCH = 5_000;

    static final List<Column> COLUMNS = List.of(
            Column.varchar("group_name", 255, false),
            Column.varchar("topic", 249, false),
            Column.varchar("topic_id", 36, false),
            Column.of("partition_id", ColumnType.INTEGER, false),
            Column.of("next_offset", ColumnType.BIGINT, false),
            Column.of("committed_at", ColumnType.BIGINT, false));

    private final Engine engine;
    private final OffsetStoreConfig config;
    private final Clock clock;
    private final TopicInfo topic;
    private final int partition;
    /** Written under the monitor (replay, commit); read without it. */
    private final Map<OffsetKey, CommittedOffset> offsets = new ConcurrentHashMap<>();
    /** Commit records appended since the last snapshot. @GuardedBy("this") */
    private long recordsSinceSnapshot;

    private OffsetStore(Engine engine, OffsetStoreConfig config, Clock clock, TopicInfo topic, int partition) {
        this.engine = engine;
        this.config = config;
        this.clock = clock;
        this.topic = topic;
        this.partition = partition;
    }

    /**
     * The definition of the internal topic.
     *
     * @param partitions how many coordinators the groups are spread over
     * @param replicationFactor its replicas
     * @param minInsyncReplicas the in-sync replicas a commit (acks=all) needs
     */
    public static TopicSpec topicSpec(OffsetStoreConfig config, int partitions, int replicationFactor, int minInsyncReplicas) {
        return new TopicSpec(TOPIC, COLUMNS, List.of(), Map.of(
                "partitions", Integer.toString(partitions),
                "replication_factor", Integer.toString(replicationFactor),
                "min_insync_replicas", Integer.toString(minInsyncReplicas),
                "retention", "forever",
                "retention_bytes", Long.toString(config.retentionBytes()),
                "segment_bytes", Long.toString(config.segmentBytes()),
                "compression", "zstd"));
    }

    /**
     * Creates the internal topic if needed (one partition, one replica: a single broker) and replays
     * its partition 0.
     *
     * @throws EngineException XX001 when the topic exists with columns this version cannot read
     */
    public static OffsetStore open(Engine engine, OffsetStoreConfig config, Clock clock) {
        TopicInfo topic = engine.createInternalTopic(topicSpec(config, 1, 1, 1), true);
        return open(engine, topic, 0, config, clock);
    }

    /**
     * Replays partition {@code partition} of the existing internal topic {@code topic} (the coordinator of
     * that partition's groups opens it when it becomes the partition's leader).
     *
     * @throws EngineException XX001 when the topic has columns this version cannot read
     */
    public static OffsetStore open(Engine engine, TopicInfo topic, int partition, OffsetStoreConfig config, Clock clock) {
        OffsetStore store = new OffsetStore(engine, config, clock, topic, partition);
        store.replay();
        return store;
    }

    /** The partition of {@value #TOPIC} this store reads and writes. */
    public int partition() {
        return partition;
    }

    private synchronized void replay() {
        long started = System.nanoTime();
        Schema schema = topic.currentSchema();
        int[] cols = new int[COLUMNS.size()];
        for (int i = 0; i < cols.length; i++) {
            cols[i] = schema.indexOf(COLUMNS.get(i).name());
            if (cols[i] < 0) {
                throw new EngineException(SqlStates.DATA_CORRUPTED, "internal topic " + TOPIC + " has no column "
                        + COLUMNS.get(i).name() + " (columns: " + schema.columns() + ")");
            }
        }
        long records = 0;
        try (TopicReader reader = engine.openReader(new ReadRequest(TOPIC, Map.of(partition, StartPosition.earliest()),
                StartPosition.earliest(), true, null, ReadRequest.DEFAULT_MAX_BYTES_PER_POLL))) {
            while (true) {
                ReadChunk chunk = reader.poll(1_000);
                if (chunk.isEnd()) {
                    break;
                }
                if (chunk.isEmpty()) {
                    continue;
                }
                DecodedBatch b = chunk.batch();
                for (int r = chunk.fromRow(); r < chunk.toRow(); r++) {
                    OffsetKey key = new OffsetKey(b.getString(cols[0], r), b.getString(cols[1], r), b.getInt(cols[3], r));
                    offsets.put(key, new CommittedOffset(UUID.fromString(b.getString(cols[2], r)), b.getLong(cols[4], r),
                            b.getLong(cols[5], r)));
                    records++;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new EngineException(SqlStates.QUERY_CANCELED, "interrupted while replaying " + TOPIC, e);
        }
        recordsSinceSnapshot = records;
        LOG.info("Replayed {} records of {} partition {}: {} committed offsets in {} ms", records, TOPIC, partition, offsets.size(),
                (System.nanoTime() - started) / 1_000_000);
    }

    /** The committed offset of {@code key}, if one was committed for the topic with id {@code topicId}. */
    public Optional<Long> committed(OffsetKey key, UUID topicId) {
        CommittedOffset c = offsets.get(key);
        return c != null && c.topicId().equals(topicId) ? Optional.of(c.offset()) : Optional.empty();
    }

    /** Every committed offset now (including those of topics since dropped), as a copy. */
    public Map<OffsetKey, CommittedOffset> snapshot() {
        return new LinkedHashMap<>(offsets);
    }

    /** Whether anything was ever committed for {@code group} (on any topic). */
    public boolean knowsGroup(String group) {
        for (OffsetKey k : offsets.keySet()) {
            if (k.group().equals(group)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Commits {@code next} (partition → next offset to read) for {@code group} on {@code topic}:
     * durable when this returns. Offsets equal to the committed ones are not written again.
     *
     * @throws EngineException 22023 for a negative offset or a partition out of range; the produce's
     *     errors (disk full, timeout) otherwise, in which case nothing changed
     */
    public synchronized void commit(String group, TopicInfo topic, Map<Integer, Long> next) {
        long now = clock.millis();
        Map<OffsetKey, CommittedOffset> changes = new LinkedHashMap<>();
        for (Map.Entry<Integer, Long> e : next.entrySet()) {
            int p = e.getKey();
            long offset = e.getValue();
            if (p < 0 || p >= topic.partitions() || offset < 0) {
                throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, "cannot commit offset " + offset
                        + " for partition " + p + " of topic " + topic.name() + " (group " + group + "): topic has "
                        + topic.partitions() + " partitions and offsets are not negative");
            }
            OffsetKey key = new OffsetKey(group, topic.name(), p);
            CommittedOffset before = offsets.get(key);
            if (before != null && before.offset() == offset && before.topicId().equals(topic.topicId())) {
                continue;
            }
            changes.put(key, new CommittedOffset(topic.topicId(), offset, now));
        }
        if (changes.isEmpty()) {
            return;
        }
        append(changes);
        offsets.putAll(changes);
        recordsSinceSnapshot += changes.size();
        maybeSnapshot();
    }

    /** @GuardedBy("this") */
    private void maybeSnapshot() {
        if (recordsSinceSnapshot < Math.max(config.snapshotEveryRecords(), 2L * offsets.size())) {
            return;
        }
        try {
            append(offsets);
            recordsSinceSnapshot = 0;
            LOG.debug("Wrote a snapshot of {} committed offsets to {}", offsets.size(), TOPIC);
        } catch (RuntimeException e) {
            // The commit itself is durable; the next commit tries the snapshot again.
            LOG.warn("Writing a snapshot of committed offsets to {} failed: {}", TOPIC, e.getMessage());
        }
    }

    /** Appends {@code records} in one produce (all-or-nothing). @GuardedBy("this") */
    private void append(Map<OffsetKey, CommittedOffset> records) {
        List<PartitionBatch> batches = new ArrayList<>();
        Schema schema = topic.currentSchema();
        int groupCol = schema.indexOf("group_name");
        int topicCol = schema.indexOf("topic");
        int topicIdCol = schema.indexOf("topic_id");
        int partitionCol = schema.indexOf("partition_id");
        int offsetCol = schema.indexOf("next_offset");
        int committedAtCol = schema.indexOf("committed_at");
        BatchBuilder b = null;
        try {
            for (Map.Entry<OffsetKey, CommittedOffset> e : records.entrySet()) {
                if (b == null) {
                    b = new BatchBuilder(schema, topic.config().compression());
                }
                OffsetKey k = e.getKey();
                CommittedOffset c = e.getValue();
                b.setString(groupCol, k.group());
                b.setString(topicCol, k.topic());
                b.setString(topicIdCol, c.topicId().toString());
                b.setInt(partitionCol, k.partition());
                b.setLong(offsetCol, c.offset());
                b.setLong(committedAtCol, c.committedAtMs());
                b.endRow();
                if (b.rowCount() >= ROWS_PER_BATCH) {
                    batches.add(new PartitionBatch(partition, b.build(BatchMetadata.NONE)));
                    b.close();
                    b = null;
                }
            }
            if (b != null && b.rowCount() > 0) {
                batches.add(new PartitionBatch(partition, b.build(BatchMetadata.NONE)));
            }
        } finally {
            if (b != null) {
                b.close();
            }
        }
        engine.produce(TOPIC, batches, Acks.ALL, config.commitTimeoutMs());
    }
}
