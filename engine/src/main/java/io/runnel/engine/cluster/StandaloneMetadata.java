package io.runnel.engine.cluster;

import io.runnel.engine.TopicInfo;
import io.runnel.engine.catalog.MetadataStore;
import io.runnel.engine.catalog.Versioned;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The cluster metadata of a broker alone, over a {@link MetadataStore} (the file catalog): one live
 * broker, every partition's only replica, leading at epoch 0 with an ISR of itself. It is what
 * {@code LocalEngine.open(config)} runs on — embedded and test use; the server always runs the
 * ZooKeeper implementation, embedded for a single node.
 *
 * <p>Thread-safe: writes are serialized; listeners are called synchronously by the writing thread,
 * in order, before the write returns (read-your-writes for the caller).
 */
public final class StandaloneMetadata implements ClusterMetadata {
    /** The leader epoch of every partition of a standalone broker (the batches it wrote carry it). */
    public static final int LEADER_EPOCH = 0;

    private final MetadataStore store;
    private final BrokerInfo broker;
    private final List<Consumer<MetadataImage>> listeners = new CopyOnWriteArrayList<>();
    /** Written under this by the writers; read lock-free by {@link #image()} (any thread, e.g. the engine under its own locks). */
    private volatile MetadataImage image;

    public StandaloneMetadata(MetadataStore store, int brokerId) {
        this.store = store;
        this.broker = new BrokerInfo(brokerId, "localhost", 0, 0, null);
        this.image = build(1);
    }

    @Override
    public int localBrokerId() {
        return broker.id();
    }

    @Override
    public MetadataImage image() {
        return image;
    }

    @Override
    public void addListener(Consumer<MetadataImage> listener) {
        listeners.add(listener);
    }

    @Override
    public synchronized Versioned<TopicInfo> createTopic(TopicInfo topic) {
        ReplicaAssignor.assign(topic.name(), 0, topic.partitions(), topic.config().replicationFactor(), List.of(broker), 0);
        int version = store.create(topic);
        publish();
        return new Versioned<>(topic, version);
    }

    @Override
    public synchronized int updateTopic(TopicInfo after, int expectedVersion) {
        int version = store.update(after, expectedVersion);
        publish();
        return version;
    }

    @Override
    public synchronized void deleteTopic(String name, int expectedVersion) {
        store.delete(name, expectedVersion);
        publish();
    }

    @Override
    public CompletableFuture<Integer> updatePartitionState(TopicPartition partition, PartitionState state, int expectedVersion) {
        return CompletableFuture.failedFuture(new IllegalStateException(partition
                + ": a standalone broker's partitions have one replica; their ISR never changes"));
    }

    /** Guarded by this. */
    private void publish() {
        image = build(image.sequence() + 1);
        for (Consumer<MetadataImage> l : listeners) {
            l.accept(image);
        }
    }

    private MetadataImage build(long sequence) {
        Map<String, TopicImage> topics = new HashMap<>();
        List<Integer> replicas = List.of(broker.id());
        for (Versioned<TopicInfo> e : store.loadAll()) {
            TopicInfo info = e.value();
            PartitionState state = new PartitionState(info.topicId(), broker.id(), LEADER_EPOCH, replicas, -1);
            List<PartitionImage> partitions = new ArrayList<>();
            for (int p = 0; p < info.partitions(); p++) {
                partitions.add(new PartitionImage(p, replicas, new Versioned<>(state, 1)));
            }
            topics.put(info.name().toLowerCase(Locale.ROOT), new TopicImage(e, partitions));
        }
        return new MetadataImage(sequence, Map.of(broker.id(), broker), topics, true);
    }

    @Override
    public void close() {
        store.close();
    }
}
