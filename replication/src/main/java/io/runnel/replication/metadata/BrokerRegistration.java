package io.runnel.replication.metadata;

import io.runnel.engine.cluster.BrokerInfo;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.apache.curator.framework.CuratorFramework;
import org.apache.curator.framework.recipes.nodes.PersistentNode;
import org.apache.zookeeper.CreateMode;
import org.apache.zookeeper.data.Stat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A broker's liveness: its ephemeral node {@code /brokers/ids/<id>}, kept by Curator's
 * {@link PersistentNode} (re-created with a new session after the old one expired). The node's
 * disappearance is how the controller learns the broker died.
 *
 * <p>A broker restarting right after a crash finds the node of its previous session until that session
 * times out: it waits for it (bounded), rather than take over a node a live broker with the same id
 * might own.
 *
 * <p>Thread-safety: register and close from one thread.
 */
public final class BrokerRegistration implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(BrokerRegistration.class);

    private final PersistentNode node;

    private BrokerRegistration(PersistentNode node) {
        this.node = node;
    }

    /**
     * Registers {@code broker}, first waiting up to {@code waitForPreviousMs} for a node left by another
     * session to expire.
     *
     * @throws BrokerIdInUseException when another session keeps the id after that
     */
    public static BrokerRegistration register(CuratorFramework client, ZkPaths paths, BrokerInfo broker, long startedAtMs,
            long waitForPreviousMs) throws Exception {
        String path = paths.broker(broker.id());
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitForPreviousMs);
        boolean logged = false;
        while (true) {
            Stat stat = client.checkExists().forPath(path);
            long session = client.getZookeeperClient().getZooKeeper().getSessionId();
            if (stat == null || stat.getEphemeralOwner() == session) {
                break;
            }
            if (System.nanoTime() > deadline) {
                String holder;
                try {
                    holder = ZkCodec.broker(client.getData().forPath(path), path).toString();
                } catch (Exception e) {
                    holder = "another process";
                }
                throw new BrokerIdInUseException("broker id " + broker.id() + " is registered by " + holder + " (ZooKeeper session 0x"
                        + Long.toHexString(stat.getEphemeralOwner()) + "): another broker with this id is running, or this one "
                        + "restarted faster than its previous ZooKeeper session expired and it did not expire within "
                        + waitForPreviousMs + " ms");
            }
            if (!logged) {
                LOG.info("Broker {}: {} exists from an earlier session; waiting for it to expire", broker.id(), path);
                logged = true;
            }
            Thread.sleep(100);
        }
        PersistentNode node = new PersistentNode(client, CreateMode.EPHEMERAL, false, path, ZkCodec.broker(broker, startedAtMs));
        node.start();
        if (!node.waitForInitialCreate(Math.max(1_000, waitForPreviousMs), TimeUnit.MILLISECONDS)) {
            node.close();
            throw new IOException("cannot register " + path + " in ZooKeeper");
        }
        LOG.info("Registered {} at {}", broker, path);
        return new BrokerRegistration(node);
    }

    /** Another live session holds the broker id. */
    public static final class BrokerIdInUseException extends IOException {
        private static final long serialVersionUID = 1L;

        BrokerIdInUseException(String message) {
            super(message);
        }
    }

    /** Removes the node: the controller moves leadership away at once. */
    @Override
    public void close() {
        try {
            node.close();
        } catch (IOException e) {
            LOG.warn("Cannot remove the broker registration {}: {}", node.getActualPath(), e.toString());
        }
    }
}
