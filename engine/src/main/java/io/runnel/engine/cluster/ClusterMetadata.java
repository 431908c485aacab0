package io.runnel.engine.cluster;

import io.runnel.engine.EngineException;
import io.runnel.engine.SqlStates;
import io.runnel.engine.TopicInfo;
import io.runnel.engine.catalog.MetadataConflictException;
import io.runnel.engine.catalog.MetadataStoreException;
import io.runnel.engine.catalog.Versioned;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The cluster metadata a broker's engine reads and writes: live brokers, the topic catalog, replica
 * assignments and partition states (DESIGN §7, design note 0007). Implementations: ZooKeeper (in the
 * replication module), {@link StandaloneMetadata} (one broker, file catalog), and the simulation's.
 * Nothing above this interface knows which one it talks to, so a Raft quorum could replace ZooKeeper.
 *
 * <p>Writes are compare-and-set: a stale caller gets {@link MetadataConflictException} and re-reads.
 *
 * <p>Thread-safety: implementations are thread-safe. Listeners are called from one thread at a time,
 * with images in increasing {@link MetadataImage#sequence()}.
 */
public interface ClusterMetadata extends AutoCloseable {

    /** The id of the broker this instance serves. */
    int localBrokerId();

    /** The newest image. */
    MetadataImage image();

    /** Calls {@code listener} with every image newer than the one current when it was added. */
    void addListener(Consumer<MetadataImage> listener);

    /**
     * Stores a new topic with a replica assignment over the live brokers and each partition's initial
     * state (leader = first replica, epoch 0, ISR = every replica), atomically.
     *
     * @return the stored entry with its version
     * @throws MetadataConflictException when a topic of that name exists
     * @throws io.runnel.engine.EngineException 22023 when {@code replication_factor} exceeds the live brokers
     * @throws MetadataStoreException when the store cannot be written
     */
    Versioned<TopicInfo> createTopic(TopicInfo topic);

    /**
     * Replaces a topic's entry if its version is still {@code expectedVersion}; when the partition count
     * grew, assigns the new partitions and stores their initial states in the same transaction.
     *
     * @return the new version
     */
    int updateTopic(TopicInfo after, int expectedVersion);

    /** Deletes a topic with its assignment and partition states if its version is still {@code expectedVersion}. */
    void deleteTopic(String name, int expectedVersion);

    /**
     * A leader's ISR change: writes {@code state} if the partition's state version is still
     * {@code expectedVersion}.
     *
     * @return the new version; completes exceptionally with {@link MetadataConflictException} when the
     *     version moved (the controller changed the state) or {@link MetadataStoreException}
     */
    CompletableFuture<Integer> updatePartitionState(TopicPartition partition, PartitionState state, int expectedVersion);

    /**
     * Replaces a topic's replica assignment — every partition's replicas and move in progress (design
     * note 0007, "Reassignment") — if the stored assignment is still at {@code expectedAssignmentVersion}
     * ({@link TopicImage#assignmentVersion()}) and belongs to topic {@code topicId}. Starting and
     * cancelling moves are such writes; the controller completes them.
     *
     * <p>The default refuses (0A000): a metadata store without replica assignments (one broker) has no
     * partitions to move.
     *
     * @throws MetadataConflictException when the assignment changed meanwhile (re-read the image and retry)
     * @throws MetadataStoreException when the store cannot be written
     */
    default void updateAssignment(String topic, UUID topicId, List<PartitionAssignment> partitions, int expectedAssignmentVersion) {
        throw new EngineException(SqlStates.FEATURE_NOT_SUPPORTED, "this broker's metadata store cannot move partitions of topic "
                + topic);
    }

    @Override
    void close();
}
