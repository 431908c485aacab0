package io.runnel.replication.metadata;

import io.runnel.engine.TopicInfo;
import io.runnel.engine.catalog.MetadataConflictException;
import io.runnel.engine.catalog.MetadataStoreException;
import io.runnel.engine.catalog.Versioned;
import io.runnel.engine.cluster.BrokerInfo;
import io.runnel.engine.cluster.ClusterMetadata;
import io.runnel.engine.cluster.MetadataImage;
import io.runnel.engine.cluster.PartitionAssignment;
import io.runnel.engine.cluster.PartitionImage;
import io.runnel.engine.cluster.PartitionReassignment;
import io.runnel.engine.cluster.PartitionState;
import io.runnel.engine.cluster.ReplicaAssignor;
import io.runnel.engine.cluster.TopicImage;
import io.runnel.engine.cluster.TopicPartition;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.CuratorEventType;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.curator.framework.recipes.cache.CuratorCache;
import org.apache.curator.framework.recipes.cache.CuratorCacheListener;
import org.apache.curator.framework.state.ConnectionState;
import org.apache.curator.framework.state.ConnectionStateListener;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ClusterMetadata} over ZooKeeper (layout: {@link ZkPaths}, design note 0007). A
 * {@link CuratorCache} — one persistent recursive watch — mirrors the whole tree; every change is
 * folded into a new {@link MetadataImage} on one thread and handed to the listeners in order (changes
 * arriving together are coalesced into one image). While the connection is suspended or the session
 * lost, the image is marked not current (the engine then refuses writes as leader).
 *
 * <p>Writes: topic DDL as one ZooKeeper transaction of the entry ({@link ZkMetadataStore}), the
 * assignment and the partition states; a leader's ISR change as a version-checked {@code setData}; a
 * controller's decision as a transaction of {@code check(controller_epoch)} and the version-checked
 * {@code setData} ({@link #controllerWrite}), so a deposed controller cannot write.
 *
 * <p>Thread-safe. The Curator client is the caller's to start and close.
 */
public final class ZkClusterMetadata implements ClusterMetadata {
    private static final Logger LOG = LoggerFactory.getLogger(ZkClusterMetadata.class);

    private final CuratorFramework client;
    private final ZkPaths paths;
    private final int brokerId;
    private final ZkMetadataStore store;
    private final CuratorCache cache;
    private final ExecutorService imageThread;
    private final List<Consumer<MetadataImage>> listeners = new CopyOnWriteArrayList<>();
    private final AtomicBoolean rebuildPending = new AtomicBoolean();
    private final AtomicLong sequence = new AtomicLong();
    private final CountDownLatch initialized = new CountDownLatch(1);
    private final ConnectionStateListener connectionListener = this::onConnectionState;
    /** Written by Curator's connection-state thread; read when building images. */
    private volatile boolean connected = true;
    /** Written by the image thread; read by anyone. */
    private volatile MetadataImage image = MetadataImage.EMPTY;
    /** Set by close(); read by the image thread. */
    private volatile boolean closed;

    public ZkClusterMetadata(CuratorFramework client, ZkPaths paths, int brokerId) {
        this.client = client;
        this.paths = paths;
        this.brokerId = brokerId;
        this.store = new ZkMetadataStore(client, paths);
        this.cache = CuratorCache.build(client, paths.root());
        this.imageThread = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "runnel-metadata-" + brokerId);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Creates the base nodes if missing, starts mirroring the tree and waits until the mirror is
     * complete, so that {@link #image()} is the cluster's state when this returns.
     *
     * @throws TimeoutException when ZooKeeper does not answer within {@code timeoutMs}
     */
    public void start(long timeoutMs) throws Exception {
        for (String path : List.of(paths.topics(), paths.assignments(), paths.partitions(), paths.brokers())) {
            if (client.checkExists().forPath(path) != null) {
                continue; // a read: a restart writes (and fsyncs) nothing here
            }
            try {
                client.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(path);
            } catch (KeeperException.NodeExistsException e) {
                // There already.
            }
        }
        client.getConnectionStateListenable().addListener(connectionListener);
        cache.listenable().addListener(CuratorCacheListener.builder()
                .forAll((type, before, after) -> scheduleRebuild())
                .forInitialized(initialized::countDown)
                .build());
        cache.start();
        if (!initialized.await(timeoutMs, TimeUnit.MILLISECONDS)) {
            throw new TimeoutException("ZooKeeper did not deliver the metadata under " + paths.root() + " within " + timeoutMs + " ms");
        }
        imageThread.submit(this::rebuild).get(timeoutMs, TimeUnit.MILLISECONDS);
    }

    private void onConnectionState(CuratorFramework c, ConnectionState state) {
        boolean now = state.isConnected();
        if (now != connected) {
            LOG.info("Broker {}: ZooKeeper connection {}{}", brokerId, state,
                    now ? "" : "; leadership is in doubt until it is back, writes as leader are refused");
        }
        connected = now;
        scheduleRebuild();
    }

    private void scheduleRebuild() {
        if (closed || initialized.getCount() > 0) {
            return;
        }
        if (rebuildPending.compareAndSet(false, true)) {
            try {
                imageThread.execute(() -> {
                    rebuildPending.set(false);
                    rebuild();
                });
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // Closing.
            }
        }
    }

    /** Folds the mirrored tree into a new image and hands it to the listeners. Runs on the image thread. */
    private void rebuild() {
        if (closed) {
            return;
        }
        Map<Integer, BrokerInfo> brokers = new TreeMap<>();
        Map<String, Versioned<TopicInfo>> entries = new HashMap<>();
        Map<String, ZkCodec.Assignment> assignments = new HashMap<>();
        Map<String, Integer> assignmentVersions = new HashMap<>();
        Map<String, Map<Integer, Versioned<PartitionState>>> states = new HashMap<>();
        String brokersPrefix = paths.brokers() + "/";
        String topicsPrefix = paths.topics() + "/";
        String assignmentsPrefix = paths.assignments() + "/";
        String partitionsPrefix = paths.partitions() + "/";
        cache.stream().forEach(node -> {
            String path = node.getPath();
            try {
                if (path.startsWith(brokersPrefix)) {
                    BrokerInfo b = ZkCodec.broker(node.getData(), path);
                    brokers.put(b.id(), b);
                } else if (path.startsWith(topicsPrefix) && path.indexOf('/', topicsPrefix.length()) < 0) {
                    entries.put(ZkPaths.last(path), ZkMetadataStore.decode(node.getData(), node.getStat(), path));
                } else if (path.startsWith(assignmentsPrefix)) {
                    assignments.put(ZkPaths.last(path), ZkCodec.assignment(node.getData(), path));
                    assignmentVersions.put(ZkPaths.last(path), node.getStat().getVersion());
                } else if (path.startsWith(partitionsPrefix)) {
                    String rest = path.substring(partitionsPrefix.length());
                    int slash = rest.indexOf('/');
                    if (slash > 0) {
                        int p = Integer.parseInt(rest.substring(slash + 1));
                        states.computeIfAbsent(rest.substring(0, slash), k -> new HashMap<>()).put(p,
                                new Versioned<>(ZkCodec.state(node.getData(), path), node.getStat().getVersion() + 1));
                    }
                }
            } catch (RuntimeException e) {
                LOG.warn("Broker {}: ignoring unreadable metadata node {}: {}", brokerId, path, e.getMessage());
            }
        });
        Map<String, TopicImage> topics = new HashMap<>();
        for (Map.Entry<String, Versioned<TopicInfo>> e : entries.entrySet()) {
            TopicInfo info = e.getValue().value();
            ZkCodec.Assignment a = assignments.get(e.getKey());
            boolean sameTopic = a != null && a.topicId().equals(info.topicId());
            Map<Integer, Versioned<PartitionState>> s = states.getOrDefault(e.getKey(), Map.of());
            List<PartitionImage> partitions = new ArrayList<>(info.partitions());
            for (int p = 0; p < info.partitions(); p++) {
                List<Integer> replicas = sameTopic && p < a.partitions().size() ? a.partitions().get(p) : List.of();
                partitions.add(new PartitionImage(p, replicas, s.get(p), sameTopic ? a.reassignment(p) : null));
            }
            topics.put(e.getKey(), new TopicImage(e.getValue(), partitions,
                    sameTopic ? assignmentVersions.getOrDefault(e.getKey(), -1) : -1));
        }
        MetadataImage next = new MetadataImage(sequence.incrementAndGet(), brokers, topics, connected);
        image = next;
        for (Consumer<MetadataImage> l : listeners) {
            try {
                l.accept(next);
            } catch (RuntimeException e) {
                LOG.error("Broker {}: a metadata listener failed on image {}: {}", brokerId, next.sequence(), e.toString(), e);
            }
        }
    }

    @Override
    public int localBrokerId() {
        return brokerId;
    }

    @Override
    public MetadataImage image() {
        return image;
    }

    @Override
    public void addListener(Consumer<MetadataImage> listener) {
        listeners.add(listener);
    }

    /** The catalog alone, as a {@link io.runnel.engine.catalog.MetadataStore}. */
    public ZkMetadataStore store() {
        return store;
    }

    // ------------------------------------------------------------------ DDL

    @Override
    public Versioned<TopicInfo> createTopic(TopicInfo topic) {
        List<List<Integer>> assignment = ReplicaAssignor.assign(topic.name(), 0, topic.partitions(),
                topic.config().replicationFactor(), image.liveBrokers().values(), ThreadLocalRandom.current().nextInt(1 << 16));
        try {
            List<CuratorOp> ops = new ArrayList<>();
            ops.add(store.createOp(topic));
            ops.add(client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(paths.assignment(topic.name()),
                    ZkCodec.assignment(new ZkCodec.Assignment(topic.topicId(), assignment))));
            ops.add(client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(paths.partitionsOf(topic.name())));
            addInitialStates(ops, topic, assignment, 0);
            try {
                client.transaction().forOperations(ops);
            } catch (KeeperException.NodeExistsException e) {
                if (failedOp(e) > 0 && store.get(topic.name()).isEmpty()) {
                    // Leftovers without an entry (a DROP of an older version of the store interrupted): clear, then retry.
                    deleteRecursively(paths.assignment(topic.name()));
                    deleteRecursively(paths.partitionsOf(topic.name()));
                    client.transaction().forOperations(ops);
                } else {
                    throw e;
                }
            }
            LOG.info("Created topic {} in ZooKeeper: assignment {}", topic.name(), assignment);
            return new Versioned<>(topic, 1);
        } catch (KeeperException.NodeExistsException e) {
            throw new MetadataConflictException("topic " + topic.name() + " already exists (" + e.getPath() + ")");
        } catch (MetadataConflictException | MetadataStoreException e) {
            throw e;
        } catch (Exception e) {
            throw ZkMetadataStore.storeError("create topic " + topic.name() + " under", paths.root(), e);
        }
    }

    /**
     * Imports a topic of a standalone data directory: its entry as it was (same id, schemas, options),
     * every partition assigned to {@code brokerId} alone and led by it at epoch 0 — the epoch its
     * batches were written with.
     *
     * @throws MetadataConflictException when a topic of that name exists in the cluster
     */
    public void importTopic(TopicInfo topic, int brokerId) {
        List<List<Integer>> assignment = new ArrayList<>();
        for (int p = 0; p < topic.partitions(); p++) {
            assignment.add(List.of(brokerId));
        }
        try {
            List<CuratorOp> ops = new ArrayList<>();
            ops.add(store.createOp(topic));
            ops.add(client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(paths.assignment(topic.name()),
                    ZkCodec.assignment(new ZkCodec.Assignment(topic.topicId(), assignment))));
            ops.add(client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(paths.partitionsOf(topic.name())));
            addInitialStates(ops, topic, assignment, 0);
            client.transaction().forOperations(ops);
        } catch (KeeperException.NodeExistsException e) {
            throw new MetadataConflictException("topic " + topic.name() + " already exists in the cluster");
        } catch (Exception e) {
            throw ZkMetadataStore.storeError("import topic " + topic.name() + " under", paths.root(), e);
        }
    }

    /** Waits (at most {@code timeoutMs}) until the image satisfies {@code condition}; true if it did. */
    public boolean awaitImage(java.util.function.Predicate<MetadataImage> condition, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!condition.test(image)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(10);
        }
        return true;
    }

    private void addInitialStates(List<CuratorOp> ops, TopicInfo topic, List<List<Integer>> assignment, int first)
            throws Exception {
        for (int i = 0; i < assignment.size(); i++) {
            List<Integer> replicas = assignment.get(i);
            PartitionState s = new PartitionState(topic.topicId(), replicas.get(0), 0, replicas, -1);
            ops.add(client.transactionOp().create().withMode(CreateMode.PERSISTENT)
                    .forPath(paths.partition(topic.name(), first + i), ZkCodec.state(s)));
        }
    }

    @Override
    public int updateTopic(TopicInfo after, int expectedVersion) {
        try {
            List<CuratorOp> ops = new ArrayList<>();
            ops.add(store.updateOp(after, expectedVersion));
            Stat stat = new Stat();
            ZkCodec.Assignment a = ZkCodec.assignment(client.getData().storingStatIn(stat).forPath(paths.assignment(after.name())),
                    paths.assignment(after.name()));
            int before = a.partitions().size();
            int rf = after.config().replicationFactor();
            List<List<Integer>> all = new ArrayList<>(a.partitions());
            Map<Integer, PartitionReassignment> moves = new HashMap<>(a.reassignments());
            boolean assignmentChanged = false;
            if (java.util.stream.IntStream.range(0, before).anyMatch(p -> targetSize(a, p) != rf)) {
                // replication_factor changed: every partition moves to a target of the new size (design note 0007, "Reassignment").
                if (!a.reassignments().isEmpty()) {
                    throw new io.runnel.engine.EngineException(io.runnel.engine.SqlStates.OBJECT_IN_USE, "topic " + after.name()
                            + " has partitions moving " + new java.util.TreeMap<>(a.reassignments()).keySet()
                            + "; change replication_factor once they completed (sys.partitions), or after ALTER TOPIC " + after.name()
                            + " CANCEL MOVE");
                }
                List<List<Integer>> targets = ReplicaAssignor.resize(after.name(), a.partitions(), rf, image.liveBrokers().values());
                for (int p = 0; p < targets.size(); p++) {
                    if (!targets.get(p).equals(a.partitions().get(p))) {
                        PartitionReassignment move = PartitionReassignment.start(a.partitions().get(p), targets.get(p));
                        all.set(p, move.replicas());
                        moves.put(p, move);
                    }
                }
                assignmentChanged = true;
                LOG.info("Topic {}: replication_factor {}; moving partitions {}", after.name(), rf, new java.util.TreeMap<>(moves));
            }
            List<List<Integer>> added = List.of();
            if (after.partitions() > before) {
                added = ReplicaAssignor.assign(after.name(), before, after.partitions() - before, rf, image.liveBrokers().values(),
                        ThreadLocalRandom.current().nextInt(1 << 16));
                all.addAll(added);
                assignmentChanged = true;
            }
            if (assignmentChanged) {
                ops.add(client.transactionOp().setData().withVersion(stat.getVersion()).forPath(paths.assignment(after.name()),
                        ZkCodec.assignment(new ZkCodec.Assignment(after.topicId(), all, moves))));
            }
            if (!added.isEmpty()) {
                addInitialStates(ops, after, added, before);
            }
            client.transaction().forOperations(ops);
            return expectedVersion + 1;
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException | KeeperException.NodeExistsException e) {
            throw ZkMetadataStore.conflict(after.name(), expectedVersion, e);
        } catch (MetadataConflictException | MetadataStoreException | io.runnel.engine.EngineException e) {
            throw e;
        } catch (Exception e) {
            throw ZkMetadataStore.storeError("alter topic " + after.name() + " under", paths.root(), e);
        }
    }

    /** How many replicas partition {@code p} has, or will have once its move completes. */
    private static int targetSize(ZkCodec.Assignment a, int p) {
        PartitionReassignment move = a.reassignment(p);
        return move == null ? a.partitions().get(p).size() : move.target().size();
    }

    @Override
    public void deleteTopic(String name, int expectedVersion) {
        try {
            List<CuratorOp> ops = new ArrayList<>();
            List<String> children;
            try {
                children = client.getChildren().forPath(paths.partitionsOf(name));
            } catch (KeeperException.NoNodeException e) {
                children = List.of();
            }
            for (String child : children) {
                ops.add(client.transactionOp().delete().forPath(paths.partitionsOf(name) + "/" + child));
            }
            if (client.checkExists().forPath(paths.partitionsOf(name)) != null) {
                ops.add(client.transactionOp().delete().forPath(paths.partitionsOf(name)));
            }
            if (client.checkExists().forPath(paths.assignment(name)) != null) {
                ops.add(client.transactionOp().delete().forPath(paths.assignment(name)));
            }
            ops.add(store.deleteOp(name, expectedVersion));
            client.transaction().forOperations(ops);
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException | KeeperException.NotEmptyException e) {
            throw ZkMetadataStore.conflict(name, expectedVersion, e);
        } catch (MetadataConflictException | MetadataStoreException e) {
            throw e;
        } catch (Exception e) {
            throw ZkMetadataStore.storeError("drop topic " + name + " under", paths.root(), e);
        }
    }

    private void deleteRecursively(String path) throws Exception {
        try {
            client.delete().deletingChildrenIfNeeded().forPath(path);
        } catch (KeeperException.NoNodeException e) {
            // Gone already.
        }
    }

    // ------------------------------------------------------------------ reassignment

    @Override
    public void updateAssignment(String topic, java.util.UUID topicId, List<PartitionAssignment> partitions,
            int expectedAssignmentVersion) {
        String path = paths.assignment(topic);
        List<List<Integer>> replicas = new ArrayList<>();
        Map<Integer, PartitionReassignment> moves = new HashMap<>();
        for (int p = 0; p < partitions.size(); p++) {
            replicas.add(partitions.get(p).replicas());
            if (partitions.get(p).reassignment() != null) {
                moves.put(p, partitions.get(p).reassignment());
            }
        }
        try {
            Stat stat = new Stat();
            ZkCodec.Assignment current = ZkCodec.assignment(client.getData().storingStatIn(stat).forPath(path), path);
            if (!current.topicId().equals(topicId) || stat.getVersion() != expectedAssignmentVersion
                    || current.partitions().size() != partitions.size()) {
                throw new MetadataConflictException("the assignment of topic " + topic + " changed (version " + stat.getVersion()
                        + ", expected " + expectedAssignmentVersion + ")");
            }
            client.setData().withVersion(expectedAssignmentVersion).forPath(path,
                    ZkCodec.assignment(new ZkCodec.Assignment(topicId, replicas, moves)));
            LOG.info("Broker {}: new assignment of topic {}: {}, moves {}", brokerId, topic, replicas, moves);
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
            throw new MetadataConflictException("the assignment of topic " + topic + " changed or is gone (" + e.code() + ")");
        } catch (MetadataConflictException | MetadataStoreException e) {
            throw e;
        } catch (Exception e) {
            throw ZkMetadataStore.storeError("write", path, e);
        }
    }

    // ------------------------------------------------------------------ partition states

    @Override
    public CompletableFuture<Integer> updatePartitionState(TopicPartition tp, PartitionState state, int expectedVersion) {
        CompletableFuture<Integer> result = new CompletableFuture<>();
        String path = paths.partition(tp.topic(), tp.partition());
        try {
            client.setData().withVersion(expectedVersion - 1).inBackground((c, event) -> {
                if (event.getType() != CuratorEventType.SET_DATA) {
                    return;
                }
                KeeperException.Code code = KeeperException.Code.get(event.getResultCode());
                if (code == KeeperException.Code.OK) {
                    result.complete(event.getStat().getVersion() + 1);
                } else if (code == KeeperException.Code.BADVERSION || code == KeeperException.Code.NONODE) {
                    result.completeExceptionally(new MetadataConflictException(tp + ": partition state is no longer at version "
                            + expectedVersion + " (" + code + ")"));
                } else {
                    result.completeExceptionally(new MetadataStoreException("cannot write " + path + ": " + code, null));
                }
            }).forPath(path, ZkCodec.state(state));
        } catch (Exception e) {
            result.completeExceptionally(ZkMetadataStore.storeError("write", path, e));
        }
        return result;
    }

    /**
     * A controller's write: applies only while {@code /controller_epoch} is still at
     * {@code controllerEpochVersion} (no newer controller) and the state at {@code expectedVersion}.
     *
     * @return the new state version
     * @throws ControllerFencedException when a newer controller took over
     * @throws MetadataConflictException when the state moved (the image was stale)
     */
    public int controllerWrite(int controllerEpochVersion, TopicPartition tp, PartitionState state, int expectedVersion) {
        String path = paths.partition(tp.topic(), tp.partition());
        try {
            var results = client.transaction().forOperations(
                    client.transactionOp().check().withVersion(controllerEpochVersion).forPath(paths.controllerEpoch()),
                    client.transactionOp().setData().withVersion(expectedVersion - 1).forPath(path, ZkCodec.state(state)));
            return results.get(1).getResultStat().getVersion() + 1;
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
            if (failedOp(e) == 0) {
                throw new ControllerFencedException("a newer controller took over (" + paths.controllerEpoch()
                        + " moved past version " + controllerEpochVersion + ")");
            }
            throw new MetadataConflictException(tp + ": partition state is no longer at version " + expectedVersion);
        } catch (Exception e) {
            throw ZkMetadataStore.storeError("write", path, e);
        }
    }

    /**
     * A controller's write that completes a partition's move: the state (new ISR, perhaps a new leader)
     * and the assignment (the partition's replicas become {@code replicasAfter}, its move ends) in one
     * transaction, fenced by the controller epoch and compare-and-set on both versions.
     *
     * @return the new state version
     * @throws ControllerFencedException when a newer controller took over
     * @throws MetadataConflictException when the state or the assignment moved
     */
    public int controllerWrite(int controllerEpochVersion, TopicPartition tp, PartitionState state, int expectedVersion,
            List<Integer> replicasAfter, int expectedAssignmentVersion) {
        String path = paths.partition(tp.topic(), tp.partition());
        String assignmentPath = paths.assignment(tp.topic());
        try {
            Stat stat = new Stat();
            ZkCodec.Assignment a = ZkCodec.assignment(client.getData().storingStatIn(stat).forPath(assignmentPath), assignmentPath);
            if (stat.getVersion() != expectedAssignmentVersion || !a.topicId().equals(state.topicId())
                    || tp.partition() >= a.partitions().size()) {
                throw new MetadataConflictException("the assignment of topic " + tp.topic() + " changed (version "
                        + stat.getVersion() + ", expected " + expectedAssignmentVersion + ")");
            }
            List<List<Integer>> replicas = new ArrayList<>(a.partitions());
            replicas.set(tp.partition(), replicasAfter);
            Map<Integer, PartitionReassignment> moves = new HashMap<>(a.reassignments());
            moves.remove(tp.partition());
            var results = client.transaction().forOperations(
                    client.transactionOp().check().withVersion(controllerEpochVersion).forPath(paths.controllerEpoch()),
                    client.transactionOp().setData().withVersion(expectedVersion - 1).forPath(path, ZkCodec.state(state)),
                    client.transactionOp().setData().withVersion(expectedAssignmentVersion).forPath(assignmentPath,
                            ZkCodec.assignment(new ZkCodec.Assignment(a.topicId(), replicas, moves))));
            return results.get(1).getResultStat().getVersion() + 1;
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
            if (failedOp(e) == 0) {
                throw new ControllerFencedException("a newer controller took over (" + paths.controllerEpoch()
                        + " moved past version " + controllerEpochVersion + ")");
            }
            throw new MetadataConflictException(tp + ": partition state or assignment moved (" + e.code() + ")");
        } catch (MetadataConflictException e) {
            throw e;
        } catch (Exception e) {
            throw ZkMetadataStore.storeError("write", path, e);
        }
    }

    /** A controller found that another one took over: it must stop acting. */
    public static final class ControllerFencedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ControllerFencedException(String message) {
            super(message);
        }
    }

    /** The index of the operation that failed a transaction (ZooKeeper reports it in the results), or -1. */
    static int failedOp(KeeperException e) {
        List<org.apache.zookeeper.OpResult> results = e.getResults();
        if (results == null) {
            return -1;
        }
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i) instanceof org.apache.zookeeper.OpResult.ErrorResult err
                    && err.getErr() != KeeperException.Code.OK.intValue()
                    && err.getErr() != KeeperException.Code.RUNTIMEINCONSISTENCY.intValue()) {
                return i;
            }
        }
        return -1;
    }

    CuratorFramework client() {
        return client;
    }

    ZkPaths paths() {
        return paths;
    }

    @Override
    public void close() {
        closed = true;
        client.getConnectionStateListenable().removeListener(connectionListener);
        cache.close();
        imageThread.shutdown();
        try {
            if (!imageThread.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("Broker {}: the metadata thread did not stop within 10 s", brokerId);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
