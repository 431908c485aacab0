package io.runnel.replication;

import io.runnel.engine.Engine;
import io.runnel.engine.EngineException;
import io.runnel.engine.SqlStates;
import io.runnel.engine.TopicInfo;
import io.runnel.engine.catalog.FileMetadataStore;
import io.runnel.engine.catalog.Versioned;
import io.runnel.engine.cluster.BrokerInfo;
import io.runnel.engine.cluster.ClusterServices;
import io.runnel.engine.cluster.MetadataImage;
import io.runnel.engine.cluster.PartitionImage;
import io.runnel.engine.cluster.PartitionState;
import io.runnel.engine.cluster.TopicImage;
import io.runnel.engine.group.GroupService;
import io.runnel.engine.group.GroupServiceConfig;
import io.runnel.engine.group.OffsetStore;
import io.runnel.engine.group.OffsetsTopicView;
import java.util.OptionalInt;
import io.runnel.engine.fs.AtomicFiles;
import io.runnel.engine.local.EngineConfig;
import io.runnel.engine.local.LocalEngine;
import io.runnel.engine.partition.Partition;
import io.runnel.replication.controller.Controller;
import io.runnel.replication.follower.FetcherManager;
import io.runnel.replication.leader.ReplicaRequestHandler;
import io.runnel.replication.metadata.BrokerRegistration;
import io.runnel.replication.metadata.EmbeddedZooKeeper;
import io.runnel.replication.metadata.ZkClusterMetadata;
import io.runnel.replication.metadata.ZkCodec;
import io.runnel.replication.metadata.ZkPaths;
import io.runnel.replication.transport.netty.NettyTransport;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.CuratorFrameworkFactory;
import org.apache.curator.retry.ExponentialBackoffRetry;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.client.ZKClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Runnel broker in a cluster (a single node is a one-broker cluster with an embedded ZooKeeper):
 * wires the metadata (Curator, {@link ZkClusterMetadata}), the {@link LocalEngine}, the Netty transport,
 * the follower fetchers, the broker registration and the controller, in the order that makes each usable
 * when the next starts. {@link #engine()} is what the SQL layer is given.
 *
 * <p>Start: (embedded ZooKeeper) → Curator connected → cluster id checked against {@code <data>/meta/cluster-id}
 * → metadata mirrored → a standalone catalog imported (first start only) → engine opened (replicas in their
 * roles, fetchers following) → broker port served → registered (now live) → controller candidate.
 *
 * <p>Close (controlled): unregister first, so the controller moves leadership to the other in-sync
 * replicas while this broker still serves and follows; wait for that (bounded); then stop the controller,
 * the server, the engine (flushing every log), the fetchers, the transport, the metadata, Curator and the
 * embedded ZooKeeper.
 *
 * <p>Thread-safety: start and close from one thread; {@link #engine()} is thread-safe.
 */
public final class ClusterBroker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterBroker.class);
    static final String CLUSTER_ID_FILE = "cluster-id";

    private final EngineConfig engineConfig;
    private final ClusterConfig config;
    private final GroupServiceConfig groupConfig;
    private GroupService groups;
    private final List<AutoCloseable> started = new ArrayList<>();
    private EmbeddedZooKeeper embeddedZk;
    private CuratorFramework curator;
    private ZkClusterMetadata metadata;
    private NettyTransport transport;
    private FetcherManager fetchers;
    private LocalEngine engine;
    private ScheduledExecutorService timer;
    private BrokerRegistration registration;
    private Controller controller;
    private int brokerPort;
    private UUID clusterId;
    private long startMs;
    private volatile boolean closed;

    private ClusterBroker(EngineConfig engineConfig, ClusterConfig config, GroupServiceConfig groupConfig) {
        this.engineConfig = engineConfig;
        this.config = config;
        this.groupConfig = groupConfig;
    }

    /** Starts a broker with the system clock. */
    public static ClusterBroker start(EngineConfig engineConfig, ClusterConfig config) {
        return start(engineConfig, config, Clock.systemUTC());
    }

    /**
     * Starts a broker (see the class comment).
     *
     * @throws EngineException 08000 when ZooKeeper cannot be reached; 55006 when the data directory or the broker id
     *     is in use; 58030 on I/O errors; 22023 when the data directory belongs to another cluster
     */
    public static ClusterBroker start(EngineConfig engineConfig, ClusterConfig config, Clock clock) {
        return start(engineConfig, config, GroupServiceConfig.DEFAULTS, clock);
    }

    /** {@link #start(EngineConfig, ClusterConfig, Clock)} with the consumer groups' settings. */
    public static ClusterBroker start(EngineConfig engineConfig, ClusterConfig config, GroupServiceConfig groupConfig, Clock clock) {
        ClusterBroker broker = new ClusterBroker(engineConfig, config, groupConfig);
        try {
            broker.doStart(clock);
            return broker;
        } catch (Exception e) {
            broker.closeStarted();
            if (e instanceof EngineException ee) {
                throw ee;
            }
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            if (e instanceof BrokerRegistration.BrokerIdInUseException) {
                throw new EngineException(SqlStates.OBJECT_IN_USE, e.getMessage(), e);
            }
            throw new EngineException(SqlStates.CONNECTION_EXCEPTION, "broker " + engineConfig.brokerId() + " cannot start: " + e, e);
        }
    }

    private void doStart(Clock clock) throws Exception {
        long t0 = System.nanoTime();
        startMs = clock.millis();
        int id = engineConfig.brokerId();
        Path data = engineConfig.dataDir();
        Files.createDirectories(data.resolve("meta"));
        String connect = config.zookeeperConnect();
        if (config.embeddedZookeeper()) {
            embeddedZk = EmbeddedZooKeeper.start(data.resolve("zookeeper"), "127.0.0.1", config.embeddedZookeeperPort(),
                    config.embeddedZookeeperTickMs());
            started.add(embeddedZk);
            connect = embeddedZk.connectString();
        }
        long tZk = System.nanoTime();
        ZKClientConfig zkClientConfig = new ZKClientConfig();
        zkClientConfig.setProperty(ZKClientConfig.ENABLE_CLIENT_SASL_KEY, "false");
        curator = CuratorFrameworkFactory.builder().connectString(connect)
                .sessionTimeoutMs(config.zookeeperSessionTimeoutMs())
                // Curator's per-attempt connection timeout must not exceed the session (it warns otherwise);
                // start waits for the connection up to zookeeper.connection.timeout.ms below.
                .connectionTimeoutMs(Math.min(config.zookeeperConnectionTimeoutMs(), config.zookeeperSessionTimeoutMs()))
                .retryPolicy(new ExponentialBackoffRetry(100, 10, 2_000))
                .zkClientConfig(zkClientConfig)
                .build();
        curator.start();
        started.add(curator);
        if (!curator.blockUntilConnected(config.zookeeperConnectionTimeoutMs(), TimeUnit.MILLISECONDS)) {
            throw new EngineException(SqlStates.CONNECTION_EXCEPTION, "broker " + id + " cannot reach ZooKeeper at " + connect
                    + " within " + config.zookeeperConnectionTimeoutMs() + " ms (zookeeper.connection.timeout.ms)");
        }
        ZkPaths paths = new ZkPaths(config.zookeeperRoot());
        clusterId = bindClusterId(paths, data);
        metadata = new ZkClusterMetadata(curator, paths, id);
        started.add(metadata);
        metadata.start(config.zookeeperConnectionTimeoutMs());
        importStandaloneCatalog(data);
        long tMeta = System.nanoTime();

        transport = new NettyTransport(id, b -> metadata.image().liveBrokers().get(b), Math.min(10_000, config.requestTimeoutMs()));
        started.add(transport);
        fetchers = new FetcherManager(id, config.fetcher(), clock, leader -> transport.leaderEndpoint(leader,
                config.requestTimeoutMs()));
        started.add(fetchers);
        engine = LocalEngine.open(engineConfig, clock, new ClusterServices(metadata, transport, fetchers));
        started.add(engine);
        long tEngine = System.nanoTime();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "runnel-broker-timer-" + id);
            t.setDaemon(true);
            return t;
        });
        started.add(timer::shutdownNow);
        groups = GroupService.start(engine, offsetsTopicView(id), transport, groupConfig, clock);
        started.add(groups);
        brokerPort = transport.startServer(config.host(), config.brokerPort(), new ReplicaRequestHandler(engine, timer, groups),
                config.requestThreads());
        int advertisedBrokerPort = config.advertisedBrokerPort() != 0 ? config.advertisedBrokerPort() : brokerPort;
        BrokerInfo self = new BrokerInfo(id, config.host(), config.sqlPort(), advertisedBrokerPort, config.rack());
        registration = BrokerRegistration.register(curator, paths, self, startMs, config.zookeeperSessionTimeoutMs() * 2L);
        started.add(registration);
        controller = new Controller(metadata, curator, paths, id);
        controller.start();
        started.add(controller);
        metadata.awaitImage(i -> i.isLive(id), config.zookeeperConnectionTimeoutMs());
        LOG.info("Broker {} of cluster {} started in {} ms (ZooKeeper {} {} ms, metadata {} ms, engine {} ms, serving {} ms): "
                + "broker port {}, ZooKeeper {}", id, clusterId, ms(System.nanoTime() - t0),
                config.embeddedZookeeper() ? "embedded" : "external", ms(tZk - t0), ms(tMeta - tZk), ms(tEngine - tMeta),
                ms(System.nanoTime() - tEngine), brokerPort, connect);
    }

    /** The offsets topic's leaders as the metadata names them, and this broker's own replicas' roles. */
    private OffsetsTopicView offsetsTopicView(int id) {
        return new OffsetsTopicView() {
            @Override
            public OptionalInt leaderOf(int partition) {
                TopicImage t = metadata.image().topic(OffsetStore.TOPIC);
                int leader = t == null ? PartitionState.NO_LEADER : t.partition(partition).leader();
                return leader == PartitionState.NO_LEADER ? OptionalInt.empty() : OptionalInt.of(leader);
            }

            @Override
            public LocalLeader localLeader(int partition) {
                Partition replica = engine.replica(OffsetStore.TOPIC, partition);
                if (replica == null || !replica.isLeader()) {
                    return null;
                }
                return new LocalLeader(replica.leaderEpoch(), replica.highWatermark(), replica.logEndOffset());
            }

            @Override
            public int localBrokerId() {
                return id;
            }
        };
    }

    private static long ms(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }

    /**
     * The cluster id in ZooKeeper (created by the first broker) must be the one the data directory was
     * first used with: a broker pointed at another cluster's ZooKeeper (or a wiped one) would otherwise
     * take every topic directory for a dropped topic and trash it.
     */
    private UUID bindClusterId(ZkPaths paths, Path data) throws Exception {
        UUID zk;
        try {
            zk = ZkCodec.clusterId(curator.getData().forPath(paths.clusterId()), paths.clusterId());
        } catch (KeeperException.NoNodeException e) {
            UUID fresh = UUID.randomUUID();
            try {
                curator.create().creatingParentsIfNeeded().withMode(CreateMode.PERSISTENT).forPath(paths.clusterId(),
                        ZkCodec.clusterId(fresh));
                zk = fresh;
                LOG.info("Created cluster {} under {}", fresh, paths.root());
            } catch (KeeperException.NodeExistsException raced) {
                zk = ZkCodec.clusterId(curator.getData().forPath(paths.clusterId()), paths.clusterId());
            }
        }
        Path file = data.resolve("meta").resolve(CLUSTER_ID_FILE);
        if (Files.exists(file)) {
            String local = Files.readString(file, StandardCharsets.US_ASCII).trim();
            if (!local.equals(zk.toString())) {
                throw new EngineException(SqlStates.INVALID_PARAMETER_VALUE, "data directory " + data + " belongs to cluster " + local
                        + ", but ZooKeeper " + config.zookeeperConnect() + paths.root() + " holds cluster " + zk
                        + "; point zookeeper.connect/zookeeper.root at that cluster's ZooKeeper, or use another data directory");
            }
        } else {
            AtomicFiles.write(file, (zk + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        return zk;
    }

    /**
     * A data directory of a standalone broker keeps its catalog in {@code meta/topics/*.json}: on the first
     * start in a cluster those topics are imported (this broker holds every partition, epoch 0) and the
     * directory is renamed {@code meta/topics.imported}.
     */
    private void importStandaloneCatalog(Path data) throws Exception {
        Path dir = data.resolve("meta").resolve("topics");
        if (!Files.isDirectory(dir)) {
            return;
        }
        FileMetadataStore files = FileMetadataStore.open(dir, data.resolve("meta").resolve("tmp"));
        List<Versioned<TopicInfo>> entries = files.loadAll();
        files.close();
        List<String> imported = new ArrayList<>();
        for (Versioned<TopicInfo> e : entries) {
            TopicImage existing = metadata.image().topic(e.value().name());
            if (existing != null) {
                if (!existing.info().topicId().equals(e.value().topicId())) {
                    throw new EngineException(SqlStates.DUPLICATE_TABLE, "cannot import topic " + e.value().name() + " of " + dir
                            + ": the cluster has another topic of that name");
                }
                continue;
            }
            metadata.importTopic(e.value(), engineConfig.brokerId());
            imported.add(e.value().name());
        }
        if (!metadata.awaitImage(i -> imported.stream().allMatch(n -> i.topic(n) != null), config.zookeeperConnectionTimeoutMs())) {
            throw new IOException("imported topics " + imported + " did not appear in the metadata");
        }
        AtomicFiles.move(dir, data.resolve("meta").resolve("topics.imported"));
        LOG.info("Broker {} imported the standalone catalog of {} into the cluster: {}", engineConfig.brokerId(), data, imported);
    }

    /** The engine the SQL layer uses. */
    public Engine engine() {
        return engine;
    }

    /** The broker's consumer groups (the SQL layer's way to them, and the coordinators it hosts). */
    public GroupService groups() {
        return groups;
    }

    public LocalEngine localEngine() {
        return engine;
    }

    public int brokerId() {
        return engineConfig.brokerId();
    }

    /** The broker port bound (the configured one, or the ephemeral one chosen). */
    public int brokerPort() {
        return brokerPort;
    }

    public UUID clusterId() {
        return clusterId;
    }

    /** The ZooKeeper this broker uses ({@code host:port,...}). */
    public String zookeeperConnect() {
        return embeddedZk != null ? embeddedZk.connectString() : config.zookeeperConnect();
    }

    public boolean isController() {
        return controller != null && controller.isActive();
    }

    public MetadataImage metadataImage() {
        return metadata.image();
    }

    public FetcherManager fetchers() {
        return fetchers;
    }

    /** The controlled shutdown of the class comment. Idempotent. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (registration != null) {
            registration.close();
            started.remove(registration);
            awaitLeadershipMoved();
        }
        closeStarted();
        LOG.info("Broker {} stopped", engineConfig.brokerId());
    }

    /** Waits until no partition led here has another live in-sync replica (the controller moved them), bounded. */
    private void awaitLeadershipMoved() {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.controlledShutdownTimeoutMs());
        int id = engineConfig.brokerId();
        while (System.nanoTime() < deadline) {
            MetadataImage image = metadata.image();
            boolean pending = false;
            for (TopicImage t : image.topics().values()) {
                for (PartitionImage p : t.partitions()) {
                    Partition local = engine.replica(t.info().name(), p.partition());
                    if (local != null && local.isLeader() && p.isr().stream().anyMatch(r -> r != id && image.isLive(r))) {
                        pending = true;
                    }
                }
            }
            if (!pending) {
                return;
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        LOG.warn("Broker {}: leadership did not move away within {} ms (controlled.shutdown.timeout.ms); stopping anyway", id,
                config.controlledShutdownTimeoutMs());
    }

    /**
     * Stops as kill -9 would, for in-process failover tests: no controlled shutdown, no flush, no clean
     * close of the ZooKeeper session — its socket is dropped, so ZooKeeper ends the session (and removes
     * this broker's node and controller latch) only after the session timeout, as for a dead process.
     * Threads and sockets are released so that the JVM can go on. The embedded ZooKeeper, if any, dies too.
     */
    public void crashForTesting() {
        closed = true;
        // The data path first: a dead process neither serves nor fetches from the moment it dies.
        transport.close();
        if (groups != null) {
            groups.close();
        }
        fetchers.close();
        engine.abandonForTesting();
        timer.shutdownNow();
        if (controller != null) {
            controller.abandon();
        }
        metadata.close();
        try {
            curator.getZookeeperClient().getZooKeeper().getTestable().injectSessionExpiration();
        } catch (Exception e) {
            LOG.debug("cannot drop the ZooKeeper connection: {}", e.toString());
        }
        // Curator's close may wait for a connection that a test has silenced: let it, off this thread.
        CuratorFramework dead = curator;
        Thread reaper = new Thread(dead::close, "runnel-crashed-broker-" + engineConfig.brokerId() + "-curator");
        reaper.setDaemon(true);
        reaper.start();
        if (embeddedZk != null) {
            embeddedZk.close();
        }
        started.clear();
        LOG.info("Broker {} crashed (simulated)", engineConfig.brokerId());
    }

    private void closeStarted() {
        for (int i = started.size() - 1; i >= 0; i--) {
            try {
                started.get(i).close();
            } catch (Exception e) {
                LOG.warn("Broker {}: stopping {} failed: {}", engineConfig.brokerId(), started.get(i), e.toString());
            }
        }
        started.clear();
    }
}
