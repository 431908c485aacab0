package io.runnel.replication.metadata;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import org.apache.zookeeper.server.ServerCnxnFactory;
import org.apache.zookeeper.server.ZooKeeperServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A standalone ZooKeeper server inside the broker's JVM, for a single node (DESIGN §7: one code path —
 * the broker talks to it through Curator exactly as to an ensemble). Its transaction log and snapshots
 * live in {@code <data>/zookeeper}, locked by {@code <data>/zookeeper/.lock}; it listens on a loopback
 * address (an ephemeral port unless one is configured).
 *
 * <p>Not for a cluster: several brokers need a ZooKeeper ensemble of their own
 * ({@code zookeeper.connect}), see docs/operations.md.
 *
 * <p>Thread-safety: start and close from one thread.
 */
public final class EmbeddedZooKeeper implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedZooKeeper.class);
    static final String LOCK_FILE = ".lock";

    private final ZooKeeperServer server;
    private final ServerCnxnFactory factory;
    private final FileChannel lockChannel;
    private final FileLock lock;
    private final String connectString;

    private EmbeddedZooKeeper(ZooKeeperServer server, ServerCnxnFactory factory, FileChannel lockChannel, FileLock lock,
            String host) {
        this.server = server;
        this.factory = factory;
        this.lockChannel = lockChannel;
        this.lock = lock;
        this.connectString = host + ":" + factory.getLocalPort();
    }

    /**
     * Starts the server over {@code dir}.
     *
     * @param port       0 for an ephemeral port
     * @param tickTimeMs ZooKeeper's tick: sessions may last 2 to 20 ticks
     * @throws IOException when the directory is in use by another server or cannot be written, or the port is taken
     */
    public static EmbeddedZooKeeper start(Path dir, String host, int port, int tickTimeMs) throws IOException {
        long started = System.nanoTime();
        Files.createDirectories(dir);
        FileChannel channel = FileChannel.open(dir.resolve(LOCK_FILE), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock;
        try {
            lock = channel.tryLock();
        } catch (OverlappingFileLockException e) {
            lock = null;
        }
        if (lock == null) {
            channel.close();
            throw new IOException("the ZooKeeper directory " + dir + " is in use by another embedded ZooKeeper");
        }
        ZooKeeperServer server = null;
        ServerCnxnFactory factory = null;
        try {
            server = new ZooKeeperServer(dir.resolve("snapshots").toFile(), dir.resolve("log").toFile(), tickTimeMs);
            factory = ServerCnxnFactory.createFactory(new InetSocketAddress(host, port), 1_000);
            factory.startup(server);
        } catch (IOException | InterruptedException | RuntimeException e) {
            if (factory != null) {
                factory.shutdown();
            }
            if (server != null) {
                server.shutdown();
            }
            lock.release();
            channel.close();
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw e instanceof IOException io ? io : new IOException("cannot start the embedded ZooKeeper in " + dir + " on "
                    + host + ":" + port + ": " + e, e);
        }
        int stale = closeSessionsOfEarlierRuns(server);
        EmbeddedZooKeeper zk = new EmbeddedZooKeeper(server, factory, channel, lock, host);
        if (stale > 0) {
            LOG.info("Embedded ZooKeeper in {}: closed {} session(s) left by an earlier run", dir, stale);
        }
        LOG.info("Embedded ZooKeeper in {} serving {} (started in {} ms)", dir, zk.connectString,
                (System.nanoTime() - started) / 1_000_000);
        return zk;
    }

    /**
     * A ZooKeeper server restores the sessions of its previous run from its snapshot and log, and keeps
     * their ephemeral nodes until each times out again. An embedded server lives and dies with its broker,
     * so a session it restores belongs to a process that is gone (the broker itself, after kill -9):
     * closing them at once lets the restarted broker register its id and compete for the controller
     * without waiting a session timeout. A client of another process whose session is closed this way
     * (only a test sharing one broker's embedded server) sees an expiry and re-registers, as Curator does
     * after any expiry.
     */
    private static int closeSessionsOfEarlierRuns(ZooKeeperServer server) {
        Collection<Long> sessions = new ArrayList<>(server.getZKDatabase().getSessions());
        for (long session : sessions) {
            server.closeSession(session);
        }
        return sessions.size();
    }

    /** {@code host:port} for Curator. */
    public String connectString() {
        return connectString;
    }

    public int port() {
        return factory.getLocalPort();
    }

    @Override
    public void close() {
        factory.shutdown();
        server.shutdown();
        try {
            lock.release();
            lockChannel.close();
        } catch (IOException e) {
            LOG.warn("Cannot release the ZooKeeper directory lock: {}", e.toString());
        }
        LOG.info("Embedded ZooKeeper on {} stopped", connectString);
    }
}
