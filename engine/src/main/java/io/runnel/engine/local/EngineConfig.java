package io.runnel.engine.local;

import io.runnel.engine.TopicConfig;
import io.runnel.storage.log.FlushPolicy;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Settings of a {@link LocalEngine}. Immutable; {@link #defaults(Path)} and the {@code with…}
 * methods build one.
 *
 * <table>
 *   <caption>Settings and defaults</caption>
 *   <tr><th>setting</th><th>default</th><th>meaning</th></tr>
 *   <tr><td>dataDir</td><td>(required)</td><td>the broker's data directory (layout in docs/operations.md)</td></tr>
 *   <tr><td>brokerId</td><td>0</td><td>this broker's id, reported as leader, replica and ISR</td></tr>
 *   <tr><td>flushPolicy</td><td>OS</td><td>when appends are fsynced: OS (on roll and close), every batch, or
 *       at most every N ms; every policy survives kill -9 of the process, see docs/operations.md</td></tr>
 *   <tr><td>retentionCheckIntervalMs</td><td>30,000</td><td>how often retention, age-based roll and
 *       interval flushes run</td></tr>
 *   <tr><td>defaultTopicConfig</td><td>{@link TopicConfig#DEFAULTS}</td><td>options a CREATE TOPIC does not give</td></tr>
 *   <tr><td>indexIntervalBytes</td><td>4,096</td><td>bytes of batches between two sparse index entries</td></tr>
 *   <tr><td>maxIndexBytes</td><td>10 MiB</td><td>size of each index file of an active segment</td></tr>
 *   <tr><td>acksZeroQueueBatches</td><td>1,024</td><td>produce calls with acks=0 queued for appending;
 *       when full, the producer waits for space (back-pressure; appends stay in order)</td></tr>
 *   <tr><td>replicaLagTimeMaxMs</td><td>10,000</td><td>a leader removes from the ISR a follower that has not
 *       been caught up for this long (checked every half of it)</td></tr>
 *   <tr><td>metadataWaitMs</td><td>30,000</td><td>how long DDL waits for this broker to see its own change
 *       in the cluster metadata, and a produce for a partition without a leader waits at most (within its timeout)</td></tr>
 *   <tr><td>backgroundTasks</td><td>true</td><td>run retention, flushes, trash and ISR checks on a scheduler thread;
 *       false leaves them to explicit calls (the replication simulation drives them on its own clock)</td></tr>
 *   <tr><td>producerIdExpirationMs</td><td>900000</td><td>a partition forgets an idempotent producer this long after
 *       its newest batch (docs/format/segment.md §13)</td></tr>
 * </table>
 */
public record EngineConfig(
        Path dataDir,
        int brokerId,
        FlushPolicy flushPolicy,
        long retentionCheckIntervalMs,
        TopicConfig defaultTopicConfig,
        int indexIntervalBytes,
        int maxIndexBytes,
        int acksZeroQueueBatches,
        long replicaLagTimeMaxMs,
        long metadataWaitMs,
        boolean backgroundTasks,
        long producerIdExpirationMs) {

    public static final long DEFAULT_RETENTION_CHECK_INTERVAL_MS = 30_000;
    public static final long DEFAULT_REPLICA_LAG_TIME_MAX_MS = 10_000;
    public static final long DEFAULT_METADATA_WAIT_MS = 30_000;

    public EngineConfig {
        Objects.requireNonNull(dataDir, "dataDir");
        Objects.requireNonNull(flushPolicy, "flushPolicy");
        Objects.requireNonNull(defaultTopicConfig, "defaultTopicConfig");
        if (brokerId < 0) {
            throw new IllegalArgumentException("brokerId must not be negative, got " + brokerId);
        }
        if (retentionCheckIntervalMs < 1) {
            throw new IllegalArgumentException("retentionCheckIntervalMs must be positive, got " + retentionCheckIntervalMs);
        }
        if (indexIntervalBytes < 0) {
            throw new IllegalArgumentException("indexIntervalBytes must not be negative, got " + indexIntervalBytes);
        }
        if (maxIndexBytes < 64) {
            throw new IllegalArgumentException("maxIndexBytes must be at least 64, got " + maxIndexBytes);
        }
        if (acksZeroQueueBatches < 1) {
            throw new IllegalArgumentException("acksZeroQueueBatches must be positive, got " + acksZeroQueueBatches);
        }
        if (replicaLagTimeMaxMs < 2) {
            throw new IllegalArgumentException("replicaLagTimeMaxMs must be at least 2, got " + replicaLagTimeMaxMs);
        }
        if (metadataWaitMs < 1) {
            throw new IllegalArgumentException("metadataWaitMs must be positive, got " + metadataWaitMs);
        }
        if (producerIdExpirationMs < 1) {
            throw new IllegalArgumentException("producerIdExpirationMs must be positive, got " + producerIdExpirationMs);
        }
    }

    /** The documented defaults over {@code dataDir}. */
    public static EngineConfig defaults(Path dataDir) {
        return new EngineConfig(dataDir, 0, FlushPolicy.OS, DEFAULT_RETENTION_CHECK_INTERVAL_MS, TopicConfig.DEFAULTS,
                4096, 10 << 20, 1024, DEFAULT_REPLICA_LAG_TIME_MAX_MS, DEFAULT_METADATA_WAIT_MS, true,
                io.runnel.storage.log.LogConfig.DEFAULT_PRODUCER_ID_EXPIRATION_MS);
    }

    public EngineConfig withBrokerId(int v) {
        return new EngineConfig(dataDir, v, flushPolicy, retentionCheckIntervalMs, defaultTopicConfig, indexIntervalBytes, maxIndexBytes, acksZeroQueueBatches, replicaLagTimeMaxMs, metadataWaitMs, backgroundTasks, producerIdExpirationMs);
    }

    public EngineConfig withFlushPolicy(FlushPolicy v) {
        return new EngineConfig(dataDir, brokerId, v, retentionCheckIntervalMs, defaultTopicConfig, indexIntervalBytes, maxIndexBytes, acksZeroQueueBatches, replicaLagTimeMaxMs, metadataWaitMs, backgroundTasks, producerIdExpirationMs);
    }

    public EngineConfig withRetentionCheckIntervalMs(long v) {
        return new EngineConfig(dataDir, brokerId, flushPolicy, v, defaultTopicConfig, indexIntervalBytes, maxIndexBytes, acksZeroQueueBatches, replicaLagTimeMaxMs, metadataWaitMs, backgroundTasks, producerIdExpirationMs);
    }

    public EngineConfig withDefaultTopicConfig(TopicConfig v) {
        return new EngineConfig(dataDir, brokerId, flushPolicy, retentionCheckIntervalMs, v, indexIntervalBytes, maxIndexBytes, acksZeroQueueBatches, replicaLagTimeMaxMs, metadataWaitMs, backgroundTasks, producerIdExpirationMs);
    }

    public EngineConfig withIndexIntervalBytes(int v) {
        return new EngineConfig(dataDir, brokerId, flushPolicy, retentionCheckIntervalMs, defaultTopicConfig, v, maxIndexBytes, acksZeroQueueBatches, replicaLagTimeMaxMs, metadataWaitMs, backgroundTasks, producerIdExpirationMs);
    }

    public EngineConfig withMaxIndexBytes(int v) {
        return new EngineConfig(dataDir, brokerId, flushPolicy, retentionCheckIntervalMs, defaultTopicConfig, indexIntervalBytes, v, acksZeroQueueBatches, replicaLagTimeMaxMs, metadataWaitMs, backgroundTasks, producerIdExpirationMs);
    }

    public EngineConfig withAcksZeroQueueBatches(int v) {
        return new EngineConfig(dataDir, brokerId, flushPolicy, retentionCheckIntervalMs, defaultTopicConfig, indexIntervalBytes, maxIndexBytes, v, replicaLagTimeMaxMs, metadataWaitMs, backgroundTasks, producerIdExpirationMs);
    }

    public EngineConfig withReplicaLagTimeMaxMs(long v) {
        return new EngineConfig(dataDir, brokerId, flushPolicy, retentionCheckIntervalMs, defaultTopicConfig, indexIntervalBytes, maxIndexBytes, acksZeroQueueBatches, v, metadataWaitMs, backgroundTasks, producerIdExpirationMs);
    }

    public EngineConfig withMetadataWaitMs(long v) {
        return new EngineConfig(dataDir, brokerId, flushPolicy, retentionCheckIntervalMs, defaultTopicConfig, indexIntervalBytes, maxIndexBytes, acksZeroQueueBatches, replicaLagTimeMaxMs, v, backgroundTasks, producerIdExpirationMs);
    }

    public EngineConfig withBackgroundTasks(boolean v) {
        return new EngineConfig(dataDir, brokerId, flushPolicy, retentionCheckIntervalMs, defaultTopicConfig, indexIntervalBytes, maxIndexBytes, acksZeroQueueBatches, replicaLagTimeMaxMs, metadataWaitMs, v, producerIdExpirationMs);
    }

    public EngineConfig withProducerIdExpirationMs(long v) {
        return new EngineConfig(dataDir, brokerId, flushPolicy, retentionCheckIntervalMs, defaultTopicConfig, indexIntervalBytes,
                maxIndexBytes, acksZeroQueueBatches, replicaLagTimeMaxMs, metadataWaitMs, backgroundTasks, v);
    }
}
