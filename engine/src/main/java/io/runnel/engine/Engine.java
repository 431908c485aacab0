package io.runnel.engine;

import io.runnel.storage.format.Column;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The broker as the SQL layer sees it: catalog, produce, read, partition status.
 *
 * <p>This interface is the seam between {@code sql-layer} and the broker (design note 0003 §4): the
 * SQL layer imports nothing else from the engine's internals, and its unit tests replace it with a
 * fake. {@link io.runnel.engine.local.LocalEngine} is the single-node implementation.
 *
 * <p>Thread-safety: every method may be called from any thread concurrently.
 *
 * <p>Errors a user can cause are {@link EngineException}s whose {@link EngineException#sqlState()}
 * is the SQLSTATE of DESIGN.md §3 and whose message names the object.
 */
public interface Engine extends AutoCloseable {

    // ---- catalog ----------------------------------------------------------------------------

    /**
     * Creates a topic.
     *
     * @return the new topic, or the existing one when {@code ifNotExists} and it already exists
     * @throws EngineException 42P07 when it exists (and not {@code ifNotExists}); 22023 for an unknown
     *     option or a bad option value; 42601 for an invalid topic or column name; 42701 for a
     *     duplicate column; 42703 for an unknown PARTITION BY or timestamp column
     */
    TopicInfo createTopic(TopicSpec spec, boolean ifNotExists);

    /**
     * Changes options ({@code ALTER TOPIC t SET (...)}). {@code partitions} may only grow.
     *
     * @throws EngineException 42P01 unknown topic; 22023 bad value or a partition count that shrinks
     */
    TopicInfo alterTopic(String topic, Map<String, String> options);

    /**
     * Adds a nullable column ({@code ALTER TOPIC t ADD COLUMN}); a new schema id; older batches read
     * NULL for it.
     *
     * @throws EngineException 42P01 unknown topic; 42701 the column exists; 42601 a NOT NULL column
     */
    TopicInfo addColumn(String topic, Column column);

    /**
     * Creates a broker-internal topic (name starting {@code __}, such as the committed offsets of
     * consumer groups): hidden from {@link #topics()}, found by {@link #topic(String)}, otherwise an
     * ordinary topic, replicated like any other. Users cannot create such names with
     * {@link #createTopic}.
     *
     * <p>The default refuses (0A000): an engine that hosts consumer groups overrides it.
     *
     * @return the new topic, or the existing one when {@code ifNotExists} and it already exists
     */
    default TopicInfo createInternalTopic(TopicSpec spec, boolean ifNotExists) {
        throw new EngineException(SqlStates.FEATURE_NOT_SUPPORTED,
                "this engine cannot create internal topic " + spec.name());
    }

    /** Drops a topic and deletes its data. 42P01 when it does not exist and not {@code ifExists}. */
    /**
     * Starts moving partitions of {@code topic} to other brokers ({@code ALTER TOPIC ... MOVE PARTITION},
     * design note 0007 "Reassignment"): for each partition, the brokers that should hold it, preferred
     * leader first. Returns once the move is stored; the partition keeps serving while the new replicas
     * copy it, and the controller completes the move when they are in sync ({@code sys.partitions}
     * shows {@code adding_replicas} / {@code removing_replicas} meanwhile).
     *
     * <p>The default refuses (0A000): an engine without a cluster has nowhere to move partitions.
     *
     * @return how many partitions started moving (a target equal to the current replicas moves nothing)
     * @throws EngineException 42P01 unknown topic; 22023 unknown partition, broker not live, a broker named
     *     twice, or a list whose size is not the topic's {@code replication_factor}; 55006 a partition is
     *     already moving; 40001 the assignment changed concurrently (retry)
     */
    default int movePartitions(String topic, Map<Integer, List<Integer>> targets) {
        throw new EngineException(SqlStates.FEATURE_NOT_SUPPORTED, "this engine cannot move partitions of topic " + topic
                + ": it is not a cluster broker");
    }

    /**
     * Spreads every partition of {@code topic} over {@code brokers} ({@code ALTER TOPIC ... MOVE PARTITIONS TO}):
     * at most ceil(partitions × replication_factor / brokers) replicas per broker, keeping replicas where
     * they are when that allows, then moves them as {@link #movePartitions(String, Map)}.
     *
     * @return the targets of the partitions that move (empty when all are placed already)
     */
    default Map<Integer, List<Integer>> spreadPartitions(String topic, List<Integer> brokers) {
        throw new EngineException(SqlStates.FEATURE_NOT_SUPPORTED, "this engine cannot move partitions of topic " + topic
                + ": it is not a cluster broker");
    }

    /**
     * Cancels the moves of {@code topic} in progress ({@code ALTER TOPIC ... CANCEL MOVE}): each moving
     * partition goes back to the replicas it had (the arriving ones delete their copies).
     *
     * @return how many partitions were moving
     */
    default int cancelMoves(String topic) {
        throw new EngineException(SqlStates.FEATURE_NOT_SUPPORTED, "this engine cannot move partitions of topic " + topic
                + ": it is not a cluster broker");
    }

    void dropTopic(String topic, boolean ifExists);

    /** Looks a topic up by name, case-insensitively. Internal topics (names starting {@code __}) are found too. */
    Optional<TopicInfo> topic(String name);

    /** Every user topic (internal ones excluded), sorted by name. */
    List<TopicInfo> topics();

    /** One row per partition of {@code topic}, sorted by partition; 42P01 when unknown. */
    List<PartitionStatus> partitionStatus(String topic);

    /**
     * The live brokers of the cluster, sorted by id ({@code sys.brokers}); a single node lists itself.
     * The default (an engine without a cluster) lists none.
     */
    default List<BrokerStatus> brokers() {
        return List.of();
    }

    // ---- write ------------------------------------------------------------------------------

    /**
     * Appends pre-built batches (one or more per partition; the driver's data path and the
     * server's INSERT path both end here).
     *
     * <p>All-or-nothing validation: every batch is checked (CRC, schema id known for the topic,
     * structure, NOT NULL, VARCHAR lengths, partition in range) before any is appended; a failed
     * check appends nothing. After validation, the batches are appended partition by partition; the
     * call returns when {@code acks} is satisfied for all of them, or fails with 57014 when
     * {@code timeoutMs} passes first.
     *
     * <p>Idempotent batches (a producer id and sequence in the header, docs/format/segment.md) are
     * stored at most once per partition: a leader answers a resent batch with the original's offsets,
     * and a produce whose outcome was unknown is resent by the router within {@code timeoutMs}. A batch
     * whose sequences neither continue the producer's nor repeat a remembered batch fails with 40R04.
     */
    ProduceResult produce(String topic, List<PartitionBatch> batches, Acks acks, long timeoutMs);

    /**
     * Batches of idempotent producers (a producer id in the header) that this broker, as leader,
     * recognized as already stored and did not store again, since it started.
     */
    default long duplicateBatches() {
        return 0;
    }

    /**
     * Groups of idempotent batches this broker sent again to a partition's (new) leader after a produce
     * whose outcome was unknown (the leader lost its leadership or became unreachable mid-request), since it started.
     */
    default long idempotentRetries() {
        return 0;
    }

    // ---- read -------------------------------------------------------------------------------

    /**
     * Opens a reader over some partitions of a topic. The reader decodes batches (with the
     * request's projection) and long-polls for new data when unbounded.
     *
     * @throws EngineException 42P01 unknown topic; 22023 a partition out of range
     */
    TopicReader openReader(ReadRequest request);

    /** First offset of {@code partition} whose timestamp is at or after {@code timestampMs}, or its log end offset. */
    long offsetForTimestamp(String topic, int partition, long timestampMs);
}
