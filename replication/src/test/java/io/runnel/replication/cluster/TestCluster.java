package io.runnel.replication.cluster;

import io.runnel.engine.Engine;
import io.runnel.engine.TopicInfo;
import io.runnel.engine.cluster.MetadataImage;
import io.runnel.engine.cluster.PartitionImage;
import io.runnel.engine.cluster.TopicImage;
import io.runnel.engine.local.EngineConfig;
import io.runnel.engine.partition.Partition;
import io.runnel.replication.ClusterBroker;
import io.runnel.replication.ClusterConfig;
import io.runnel.replication.follower.FetcherConfig;
import io.runnel.replication.metadata.EmbeddedZooKeeper;
import io.runnel.storage.format.RecordBatch;
import io.runnel.storage.log.LogReadResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.awaitility.Awaitility;

/**
 * Brokers of one cluster in this JVM for integration tests: a ZooKeeper server of their own (an
 * {@link EmbeddedZooKeeper} in the test directory, playing the external ensemble), and
 * {@link ClusterBroker}s with real Netty on 127.0.0.1 ephemeral ports, each over its own data directory.
 * Timeouts are short so that failures are noticed in a couple of seconds.
 */
final class TestCluster implements AutoCloseable {
    static final int SESSION_TIMEOUT_MS = 2_000;
    static final long LAG_TIME_MAX_MS = 2_000;
    static final Duration WAIT = Duration.ofSeconds(30);

    final Path dir;
    final EmbeddedZooKeeper zk;
    private final Map<Integer, ClusterBroker> brokers = new TreeMap<>();
    /** Each broker reaches ZooKeeper through its own proxy, so that a crash can silence its session. */
    private final Map<Integer, FaultProxy> zkProxies = new TreeMap<>();

    private TestCluster(Path dir, EmbeddedZooKeeper zk) {
        this.dir = dir;
        this.zk = zk;
    }

    static TestCluster start(Path dir, int size) throws IOException {
        TestCluster c = new TestCluster(dir, EmbeddedZooKeeper.start(dir.resolve("zookeeper"), "127.0.0.1", 0, 100));
        try {
            for (int id = 0; id < size; id++) {
                c.start(id);
            }
            c.awaitLive(size);
        } catch (RuntimeException e) {
            c.close();
            throw e;
        }
        return c;
    }

    EngineConfig engineConfig(int id) {
        return EngineConfig.defaults(dir.resolve("broker-" + id)).withBrokerId(id).withReplicaLagTimeMaxMs(LAG_TIME_MAX_MS)
                .withMetadataWaitMs(15_000);
    }

    ClusterConfig clusterConfig(String zookeeperConnect) {
        return ClusterConfig.defaults().withZookeeperConnect(zookeeperConnect).withBrokerPort(0)
                .withZookeeperSessionTimeoutMs(SESSION_TIMEOUT_MS).withFetcher(FetcherConfig.DEFAULTS.withBackoffMs(50))
                .withControlledShutdownTimeoutMs(5_000);
    }

    ClusterBroker start(int id) {
        FaultProxy proxy;
        try {
            proxy = new FaultProxy("127.0.0.1", zk.port());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        FaultProxy old = zkProxies.put(id, proxy);
        if (old != null) {
            old.close();
        }
        ClusterBroker b = ClusterBroker.start(engineConfig(id), clusterConfig(proxy.address()));
        brokers.put(id, b);
        return b;
    }

    ClusterBroker broker(int id) {
        return brokers.get(id);
    }

    Engine engine(int id) {
        return brokers.get(id).engine();
    }

    /**
     * kill -9 of a broker: its ZooKeeper connection goes silent (so its session ends only after the session
     * timeout, as a dead process's would), then its threads and sockets are dropped without a clean close.
     */
    void crash(int id) {
        zkProxies.get(id).freeze();
        brokers.remove(id).crashForTesting();
    }

    /** A controlled shutdown. */
    void stop(int id) {
        brokers.remove(id).close();
    }

    List<Integer> running() {
        return new ArrayList<>(brokers.keySet());
    }

    MetadataImage image() {
        return brokers.values().iterator().next().metadataImage();
    }

    PartitionImage partition(String topic, int p) {
        TopicImage t = image().topic(topic);
        return t == null ? null : t.partition(p);
    }

    int leaderOf(String topic, int p) {
        return partition(topic, p).leader();
    }

    void awaitLive(int count) {
        Awaitility.await().atMost(WAIT).until(() -> image().liveBrokers().size() == count
                && brokers.values().stream().allMatch(b -> b.metadataImage().liveBrokers().size() == count));
    }

    /** Waits until every partition of {@code topic} has a leader whose ISR holds all its replicas and every replica is caught up. */
    void awaitInSync(TopicInfo topic) {
        Awaitility.await().atMost(WAIT).until(() -> inSync(topic));
    }

    boolean inSync(TopicInfo topic) {
        for (int p = 0; p < topic.partitions(); p++) {
            PartitionImage pi = partition(topic.name(), p);
            if (pi == null || pi.leader() < 0 || pi.isr().size() != pi.replicas().size() || !brokers.containsKey(pi.leader())) {
                return false;
            }
            Partition leader = brokers.get(pi.leader()).localEngine().replica(topic.name(), p);
            if (leader == null || !leader.isLeader() || leader.highWatermark() != leader.logEndOffset()) {
                return false;
            }
            for (int r : pi.replicas()) {
                ClusterBroker b = brokers.get(r);
                Partition replica = b == null ? null : b.localEngine().replica(topic.name(), p);
                if (replica == null || replica.logEndOffset() != leader.logEndOffset()
                        || replica.highWatermark() != leader.highWatermark()) {
                    return false;
                }
            }
        }
        return true;
    }

    /** A batch as stored: where, by which epoch, how many rows, its CRC. */
    record StoredBatch(long baseOffset, int leaderEpoch, int records, long crc) {}

    /** Every batch of a broker's replica of a partition, to its log end. */
    List<StoredBatch> batches(int broker, String topic, int p) {
        Partition r = brokers.get(broker).localEngine().replica(topic, p);
        List<StoredBatch> out = new ArrayList<>();
        long next = r.logStartOffset();
        while (next < r.logEndOffset()) {
            LogReadResult result = r.log().read(next, r.logEndOffset(), 1 << 20, null);
            for (RecordBatch b : result.batches()) {
                out.add(new StoredBatch(b.baseOffset(), b.leaderEpoch(), b.recordCount(), b.checksum()));
            }
            if (result.isEmpty()) {
                break;
            }
            next = result.nextOffset();
        }
        return out;
    }

    @Override
    public void close() {
        for (ClusterBroker b : new ArrayList<>(brokers.values())) {
            try {
                b.close();
            } catch (RuntimeException e) {
                System.err.println("closing broker " + b.brokerId() + ": " + e);
            }
        }
        brokers.clear();
        zkProxies.values().forEach(FaultProxy::close);
        zk.close();
    }
}
