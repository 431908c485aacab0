package io.runnel.replication.simulation;

import io.runnel.engine.TopicInfo;
import io.runnel.engine.catalog.MetadataStoreException;
import io.runnel.engine.catalog.Versioned;
import io.runnel.engine.cluster.BrokerInfo;
import io.runnel.engine.cluster.BrokerTransport;
import io.runnel.engine.cluster.ClusterMetadata;
import io.runnel.engine.cluster.ClusterServices;
import io.runnel.engine.cluster.MetadataImage;
import io.runnel.engine.cluster.PartitionState;
import io.runnel.engine.cluster.ReplicaFetchers;
import io.runnel.engine.cluster.TopicPartition;
import io.runnel.engine.local.EngineConfig;
import io.runnel.engine.local.LocalEngine;
import io.runnel.engine.partition.Partition;
import io.runnel.replication.follower.FetcherConfig;
import io.runnel.replication.follower.ReplicaFetcher;
import io.runnel.replication.leader.ReplicaRequestHandler;
import io.runnel.replication.protocol.EpochRequest;
import io.runnel.replication.protocol.FetchRequest;
import io.runnel.replication.protocol.FetchResponse;
import io.runnel.replication.protocol.Records;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * One simulated broker: a real {@link LocalEngine} in cluster mode over a real data directory, its view
 * of the metadata (images the simulated ZooKeeper delivers over the simulated network), real
 * {@link ReplicaFetcher}s driven by the simulation instead of threads, and a real
 * {@link ReplicaRequestHandler} answering other brokers. Crashes abandon the engine as kill -9 would
 * (no flush, no clean shutdown); a restart opens a new incarnation over the same directory.
 */
final class SimBroker {
    final int id;
    final BrokerInfo info;
    final Path dir;
    private final SimWorld world;
    int incarnation;
    boolean up;
    boolean paused;
    LocalEngine engine;
    ReplicaRequestHandler handler;
    View view;
    SimFetchers fetchers;
    /** The ZooKeeper sequence of the last image delivered. */
    long deliveredZkSequence;
    private long localImageSequence;
    /** The controller epoch this broker believes it holds, or -1. */
    int believedControllerEpoch = -1;
    final Set<String> controllerWritesInFlight = new HashSet<>();

    SimBroker(int id, Path dir, SimWorld world) {
        this.id = id;
        this.info = new BrokerInfo(id, "sim-" + id, 0, 0, null);
        this.dir = dir;
        this.world = world;
    }

    void start() {
        incarnation++;
        view = new View();
        fetchers = new SimFetchers();
        localImageSequence++;
        view.image = world.zk().image(localImageSequence, true);
        deliveredZkSequence = world.zk().sequence();
        believedControllerEpoch = -1;
        controllerWritesInFlight.clear();
        EngineConfig config = EngineConfig.defaults(dir).withBrokerId(id).withBackgroundTasks(false)
                .withReplicaLagTimeMaxMs(SimWorld.REPLICA_LAG_TIME_MAX_MS).withMetadataWaitMs(1);
        engine = LocalEngine.open(config, world.clock(), new ClusterServices(view, BrokerTransport.NONE, fetchers));
        handler = new ReplicaRequestHandler(engine, null);
        up = true;
        paused = false;
    }

    /** kill -9: nothing is flushed or closed cleanly; the ZooKeeper session lives until it times out. */
    void crash() {
        engine.abandonForTesting();
        engine = null;
        handler = null;
        fetchers.byLeader.clear();
        up = false;
        paused = false;
    }

    void close() {
        if (up) {
            engine.close();
            up = false;
        }
    }

    /** Delivers a metadata image (the ZooKeeper state, or the last one marked not current when the connection is lost). */
    void deliver(MetadataImage zkImage, long zkSequence, int controllerId, int controllerEpoch, boolean current) {
        localImageSequence++;
        MetadataImage image = new MetadataImage(localImageSequence, zkImage.liveBrokers(), zkImage.topics(), current);
        if (current) {
            deliveredZkSequence = zkSequence;
            believedControllerEpoch = controllerId == id ? controllerEpoch : -1;
        }
        view.publish(image);
    }

    MetadataImage image() {
        return view.image;
    }

    /** This broker's metadata: what was delivered to it; ISR writes travel to the simulated ZooKeeper. */
    final class View implements ClusterMetadata {
        MetadataImage image;
        private final List<Consumer<MetadataImage>> listeners = new CopyOnWriteArrayList<>();

        void publish(MetadataImage next) {
            image = next;
            for (Consumer<MetadataImage> l : listeners) {
                l.accept(next);
            }
        }

        @Override
        public int localBrokerId() {
            return id;
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
        public Versioned<TopicInfo> createTopic(TopicInfo topic) {
            throw new UnsupportedOperationException("the simulation creates topics in its ZooKeeper directly");
        }

        @Override
        public int updateTopic(TopicInfo after, int expectedVersion) {
            throw new UnsupportedOperationException("no ALTER in the simulation");
        }

        @Override
        public void deleteTopic(String name, int expectedVersion) {
            throw new UnsupportedOperationException("no DROP in the simulation");
        }

        @Override
        public CompletableFuture<Integer> updatePartitionState(TopicPartition tp, PartitionState state, int expectedVersion) {
            CompletableFuture<Integer> result = new CompletableFuture<>();
            int from = incarnation;
            world.sendToZk(SimBroker.this, "ISR write " + tp + " " + state.isr(), () -> {
                Integer version = null;
                RuntimeException error = null;
                try {
                    version = world.zk().casState(tp, state, expectedVersion);
                    world.zkChanged();
                } catch (RuntimeException e) {
                    error = e;
                }
                Integer v = version;
                RuntimeException err = error;
                world.sendFromZk(SimBroker.this, from, "ISR write result " + tp, () -> {
                    if (err == null) {
                        result.complete(v);
                    } else {
                        result.completeExceptionally(err);
                    }
                });
            });
            world.scheduler().after(SimWorld.REQUEST_TIMEOUT_MS, "ISR write timeout " + tp, () -> {
                if (!result.isDone()) {
                    result.completeExceptionally(new MetadataStoreException(tp + ": no answer from ZooKeeper", null));
                }
            });
            return result;
        }

        /** A statement's assignment write (ALTER TOPIC ... MOVE / CANCEL MOVE): straight to ZooKeeper, as a client's request. */
        @Override
        public void updateAssignment(String topic, java.util.UUID topicId, List<io.runnel.engine.cluster.PartitionAssignment> partitions,
                int expectedAssignmentVersion) {
            world.zk().updateAssignment(topic, partitions, expectedAssignmentVersion);
        }

        @Override
        public void close() {
        }
    }

    /** The follower fetchers, one {@link ReplicaFetcher} per leader, each with at most one request in flight. */
    final class SimFetchers implements ReplicaFetchers {
        final Map<Integer, ReplicaFetcher> byLeader = new TreeMap<>();
        private final Map<Partition, Integer> leaders = new IdentityHashMap<>();
        private final Map<Integer, Long> inFlight = new TreeMap<>();
        private long nextRequestId;

        @Override
        public void follow(Partition replica, int leaderId, int leaderEpoch) {
            Integer previous = leaders.get(replica);
            if (previous != null && previous != leaderId) {
                unfollow(replica);
            }
            byLeader.computeIfAbsent(leaderId, l -> new ReplicaFetcher(id, l, FetcherConfig.DEFAULTS.withMaxWaitMs(0)
                    .withBackoffMs(SimWorld.FETCH_BACKOFF_MS).withRequestTimeoutMs(SimWorld.REQUEST_TIMEOUT_MS),
                    world.clock())).add(replica, leaderEpoch);
            leaders.put(replica, leaderId);
        }

        @Override
        public void unfollow(Partition replica) {
            Integer leader = leaders.remove(replica);
            if (leader == null) {
                return;
            }
            ReplicaFetcher f = byLeader.get(leader);
            if (f != null) {
                f.remove(replica);
                if (f.isEmpty()) {
                    byLeader.remove(leader);
                    inFlight.remove(leader);
                }
            }
        }

        @Override
        public void close() {
        }

        /** Sends the next request of every fetcher that has none in flight. */
        void pump() {
            for (Map.Entry<Integer, ReplicaFetcher> e : new ArrayList<>(byLeader.entrySet())) {
                int leader = e.getKey();
                ReplicaFetcher fetcher = e.getValue();
                if (inFlight.containsKey(leader)) {
                    continue;
                }
                EpochRequest epochRequest = fetcher.nextEpochRequest();
                if (epochRequest != null) {
                    long requestId = ++nextRequestId;
                    inFlight.put(leader, requestId);
                    world.sendBetweenBrokers(SimBroker.this, leader, "epoch request", target -> {
                        var response = target.handler.offsetsForLeaderEpoch(epochRequest);
                        world.sendBetweenBrokers(target, id, incarnation, "epoch response",
                                self -> answered(leader, fetcher, requestId, () -> fetcher.onEpochResponse(response)));
                    });
                    timeout(leader, fetcher, requestId);
                    continue;
                }
                FetchRequest fetchRequest = fetcher.nextFetchRequest();
                if (fetchRequest != null) {
                    long requestId = ++nextRequestId;
                    inFlight.put(leader, requestId);
                    world.sendBetweenBrokers(SimBroker.this, leader, "fetch", target -> {
                        FetchResponse response = materialize(target.handler.fetchNow(fetchRequest));
                        world.sendBetweenBrokers(target, id, incarnation, "fetch response",
                                self -> answered(leader, fetcher, requestId, () -> fetcher.onFetchResponse(response)));
                    });
                    timeout(leader, fetcher, requestId);
                }
            }
        }

        private void answered(int leader, ReplicaFetcher fetcher, long requestId, Runnable handle) {
            Long current = inFlight.get(leader);
            if (current == null || current != requestId || byLeader.get(leader) != fetcher) {
                return;
            }
            inFlight.remove(leader);
            handle.run();
        }

        private void timeout(int leader, ReplicaFetcher fetcher, long requestId) {
            int inc = incarnation;
            world.scheduler().after(SimWorld.REQUEST_TIMEOUT_MS, "fetch timeout", () -> {
                Long current = inFlight.get(leader);
                if (inc == incarnation && current != null && current == requestId && byLeader.get(leader) == fetcher) {
                    inFlight.remove(leader);
                    fetcher.onRequestFailed(new java.util.concurrent.TimeoutException("no answer from broker " + leader));
                }
            });
        }
    }

    /** The leader reads the file slices when it sends (as zero-copy sending would). */
    private static FetchResponse materialize(FetchResponse response) {
        List<FetchResponse.Partition> out = new ArrayList<>();
        for (FetchResponse.Partition p : response.partitions()) {
            out.add(new FetchResponse.Partition(p.topic(), p.partition(), p.error(), p.highWatermark(), p.logStartOffset(),
                    p.logEndOffset(), new Records.Bytes(p.records().toByteBuffer())));
        }
        return new FetchResponse(out);
    }
}
