package io.runnel.replication.metadata;

import io.runnel.engine.TopicInfo;
import io.runnel.engine.catalog.MetadataConflictException;
import io.runnel.engine.catalog.MetadataStore;
import io.runnel.engine.catalog.MetadataStoreException;
import io.runnel.engine.catalog.TopicCodec;
import io.runnel.engine.catalog.Versioned;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.api.transaction.CuratorOp;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.KeeperException;
import org.apache.zookeeper.data.Stat;

/**
 * The topic catalog in ZooKeeper: one znode per topic ({@code <root>/topics/<lower-cased name>}) holding
 * its {@link TopicCodec} entry; the entry version is the znode version + 1 (1 after creation), and every
 * update and delete is a {@code setData}/{@code delete} with the expected znode version — the
 * {@link MetadataStore} contract, as {@code FileMetadataStore} keeps it on disk.
 *
 * <p>{@link ZkClusterMetadata} combines the same operations ({@link #createOp}, {@link #updateOp},
 * {@link #deleteOp}) with assignment and partition-state nodes in one ZooKeeper transaction.
 *
 * <p>Thread-safe (Curator is); the client is the caller's to close.
 */
public final class ZkMetadataStore implements MetadataStore {
    private final CuratorFramework client;
    private final ZkPaths paths;

    public ZkMetadataStore(CuratorFramework client, ZkPaths paths) {
        this.client = client;
        this.paths = paths;
    }

    @Override
    public List<Versioned<TopicInfo>> loadAll() {
        List<Versioned<TopicInfo>> out = new ArrayList<>();
        List<String> children;
        try {
            children = client.getChildren().forPath(paths.topics());
        } catch (KeeperException.NoNodeException e) {
            return out;
        } catch (Exception e) {
            throw storeError("list", paths.topics(), e);
        }
        for (String child : children) {
            get(child).ifPresent(out::add);
        }
        return out;
    }

    @Override
    public Optional<Versioned<TopicInfo>> get(String name) {
        String path = paths.topic(name);
        Stat stat = new Stat();
        byte[] data;
        try {
            data = client.getData().storingStatIn(stat).forPath(path);
        } catch (KeeperException.NoNodeException e) {
            return Optional.empty();
        } catch (Exception e) {
            throw storeError("read", path, e);
        }
        return Optional.of(decode(data, stat, path));
    }

    static Versioned<TopicInfo> decode(byte[] data, Stat stat, String path) {
        try {
            return new Versioned<>(TopicCodec.decode(data, "znode " + path).value(), stat.getVersion() + 1);
        } catch (IllegalArgumentException e) {
            throw new MetadataStoreException("cannot read the catalog: " + e.getMessage(), e);
        }
    }

    @Override
    public int create(TopicInfo topic) {
        String path = paths.topic(topic.name());
        try {
            client.create().creatingParentContainersIfNeeded().withMode(CreateMode.PERSISTENT).forPath(path,
                    TopicCodec.encode(topic, 1));
            return 1;
        } catch (KeeperException.NodeExistsException e) {
            throw new MetadataConflictException("topic " + topic.name() + " already exists (znode " + path + ")");
        } catch (Exception e) {
            throw storeError("create", path, e);
        }
    }

    @Override
    public int update(TopicInfo topic, int expectedVersion) {
        String path = paths.topic(topic.name());
        try {
            Stat stat = client.setData().withVersion(expectedVersion - 1).forPath(path, TopicCodec.encode(topic, expectedVersion + 1));
            return stat.getVersion() + 1;
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
            throw conflict(topic.name(), expectedVersion, e);
        } catch (Exception e) {
            throw storeError("update", path, e);
        }
    }

    @Override
    public void delete(String name, int expectedVersion) {
        String path = paths.topic(name);
        try {
            client.delete().withVersion(expectedVersion - 1).forPath(path);
        } catch (KeeperException.BadVersionException | KeeperException.NoNodeException e) {
            throw conflict(name, expectedVersion, e);
        } catch (Exception e) {
            throw storeError("delete", path, e);
        }
    }

    /** The creation of a topic's entry, for a transaction. */
    CuratorOp createOp(TopicInfo topic) throws Exception {
        return client.transactionOp().create().withMode(CreateMode.PERSISTENT).forPath(paths.topic(topic.name()),
                TopicCodec.encode(topic, 1));
    }

    /** The compare-and-set replacement of a topic's entry, for a transaction. */
    CuratorOp updateOp(TopicInfo topic, int expectedVersion) throws Exception {
        return client.transactionOp().setData().withVersion(expectedVersion - 1).forPath(paths.topic(topic.name()),
                TopicCodec.encode(topic, expectedVersion + 1));
    }

    /** The compare-and-set deletion of a topic's entry, for a transaction. */
    CuratorOp deleteOp(String name, int expectedVersion) throws Exception {
        return client.transactionOp().delete().withVersion(expectedVersion - 1).forPath(paths.topic(name));
    }

    static MetadataConflictException conflict(String name, int expectedVersion, KeeperException e) {
        return new MetadataConflictException("topic " + name + " is " + (e instanceof KeeperException.NoNodeException
                ? "not in the catalog" : "no longer at version " + expectedVersion) + " (" + e.code() + " on " + e.getPath() + ")");
    }

    static MetadataStoreException storeError(String what, String path, Exception e) {
        if (e instanceof InterruptedException) {
            Thread.currentThread().interrupt();
        }
        return new MetadataStoreException("cannot " + what + " ZooKeeper node " + path + ": " + e, e);
    }

    @Override
    public void close() {
        // The client belongs to the caller.
    }
}
