package io.runnel.server;

import io.runnel.replication.metadata.EmbeddedZooKeeper;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A standalone ZooKeeper server in its own JVM for multi-process cluster tests: {@code <dir> <tickMs>};
 * serves on an ephemeral loopback port and prints {@code ZooKeeper ready: 127.0.0.1:<port>} on standard
 * output. Runs until killed.
 *
 * <p>It does not fsync its transaction log ({@code zookeeper.forceSync=no}): on a machine shared with
 * other builds an fsync can stall for seconds, longer than the brokers' sessions, which would expire
 * every session at once and test the disk rather than Runnel. (A production ensemble keeps fsync on and
 * its own disk, docs/operations.md.)
 */
public final class StandaloneZooKeeperMain {
    private StandaloneZooKeeperMain() {}

    public static void main(String[] args) throws Exception {
        System.setProperty("zookeeper.forceSync", "no");
        EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(Path.of(args[0]), "127.0.0.1", 0, Integer.parseInt(args[1]));
        Runtime.getRuntime().addShutdownHook(new Thread(zk::close, "zookeeper-shutdown"));
        System.out.println("ZooKeeper ready: " + zk.connectString());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
