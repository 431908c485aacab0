package io.runnel.server;

import io.runnel.replication.metadata.EmbeddedZooKeeper;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

/**
 * A standalone ZooKeeper server in its own JVM for multi-process cluster tests: {@code <dir> <tickMs>};
 * serves on an ephemeral loopback port and prints {@code ZooKeeper ready: 127.0.0.1:<port>} on standard
 * output. Runs until killed.
 */
public final class StandaloneZooKeeperMain {
    private StandaloneZooKeeperMain() {}

    public static void main(String[] args) throws Exception {
        EmbeddedZooKeeper zk = EmbeddedZooKeeper.start(Path.of(args[0]), "127.0.0.1", 0, Integer.parseInt(args[1]));
        Runtime.getRuntime().addShutdownHook(new Thread(zk::close, "zookeeper-shutdown"));
        System.out.println("ZooKeeper ready: " + zk.connectString());
        System.out.flush();
        new CountDownLatch(1).await();
    }
}
